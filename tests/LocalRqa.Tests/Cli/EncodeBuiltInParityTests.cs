using System.Text.Json.Nodes;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Tests.BuiltIn;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa encode` with the default model reproduces ONNX Runtime's embeddings of held-out texts (the Faire eval
/// questions with the query prompt, their gold passages without): the whole path, from flags through the
/// built-in conversion, tokenizer, prompt, CLS pooling and normalisation.
/// </summary>
[Trait("Category", "ReferenceParity")]
public sealed class EncodeBuiltInParityTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-encode-parity-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    [Theory]
    [InlineData("query")]
    [InlineData("passage")]
    public void DefaultModelMatchesOnnxRuntime(string prompt)
    {
        var texts = EvalTexts(prompt == "query");
        var input = Path.Combine(work, "in.jsonl");
        File.WriteAllLines(input, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        var output = Path.Combine(work, "out.jsonl");

        var run = CliRun.Of("encode", "--input", input, "--output", output, "--prompt", prompt, "--batch_size", "16");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var ours = File.ReadLines(output).Select(l => JsonNode.Parse(l)!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray()).ToList();
        Assert.Equal(texts.Count, ours.Count);

        var model = BuiltInModels.Find(ModelLocator.DefaultModel)!;
        using var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(model.HubId)!);
        Assert.Equal(prompt == "query" ? model.QueryPrompt : "", encoder.Settings.Prompt(PromptKinds.Parse(prompt)));
        var tokens = encoder.Tokenize(texts, PromptKinds.Parse(prompt));
        using var reference = new OnnxRuntimeReference(model);
        for (var i = 0; i < texts.Count; i++)
        {
            var hidden = reference.LastHiddenState([tokens[i]], encoder.Tokenizer.PadTokenId, out _);
            var cls = hidden.AsSpan(0, encoder.Dimension).ToArray(); // CLS pooling
            var cosine = Cosine(cls, ours[i]);
            Assert.True(cosine >= 0.9999, $"text {i}: cosine {cosine}");
        }
    }

    static List<string> EvalTexts(bool questions)
    {
        var lines = File.ReadLines(Path.Combine(TestPaths.SharedDataRoot, "faire", "eval_w_q.jsonl")).Select(l => JsonNode.Parse(l)!);
        return questions
            ? lines.SelectMany(l => l["questions"]!.AsArray().Select(q => q!.GetValue<string>())).ToList()
            : lines.Select(l => l["gold_docs"]![0]!["fmt_content"]!.GetValue<string>()).ToList();
    }

    static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}

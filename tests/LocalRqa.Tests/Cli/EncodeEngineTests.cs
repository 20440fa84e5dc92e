using System.Text.Json.Nodes;
using LocalRqa.Encoders;
using LocalRqa.Inference;
using LocalRqa.Runtime;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa encode` under RQA_ENGINE=onnx writes TorchSharp's embeddings (to float rounding), in input order.</summary>
public sealed class EncodeEngineTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-encode-engine-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void OnnxRuntimeEngineWritesTorchSharpsEmbeddings()
    {
        var texts = File.ReadLines(Path.Combine(TestPaths.SharedDataRoot, "faire", "eval_w_q.jsonl")).Take(12)
            .Select(l => JsonNode.Parse(l)!["gold_docs"]![0]!["fmt_content"]!.GetValue<string>()).ToList();
        var input = Path.Combine(work, "in.jsonl");
        File.WriteAllLines(input, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        var output = Path.Combine(work, "out.jsonl");

        var run = RqaProcess.Run(["encode", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--input", input, "--output", output,
            "--batch_size", "4", "--max_length", "64"], new Dictionary<string, string> { [EngineChoice.Variable] = "onnx" });
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("encoded 12 texts in ", run.Stderr);
        Assert.Contains(" s (ONNX Runtime)", run.Stderr);
        var written = File.ReadLines(output).Select(l => JsonNode.Parse(l)!).ToList();

        TorchRuntime.Initialize();
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { MaxLength = 64 });
        encoder.Engine = InferenceEngine.Torch;
        var expected = encoder.Encode(texts, PromptKind.None, batchSize: 4);
        Assert.Equal(texts.Count, written.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(texts[i], written[i]["text"]!.GetValue<string>());
            // float32 through two engines: differences near 2e-7 measured (export parity tests).
            Tolerance.SameEmbedding(expected[i], written[i]["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(), absolute: 1e-5, what: $"line {i + 1}");
        }
    }
}

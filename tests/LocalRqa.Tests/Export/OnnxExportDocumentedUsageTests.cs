using System.Text.Json.Nodes;
using LocalRqa.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace LocalRqa.Tests.Export;

/// <summary>
/// The C# example of docs/manual/export.md, as written there: Microsoft.ML.Tokenizers' BertTokenizer on the exported
/// vocab.txt, the query prompt, one text per run, sentence_embedding read by name. It reproduces `rqa encode` of the
/// built-in arctic-embed-xs for Faire questions (no question reaches 512 tokens, so the example needs no truncation).
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class OnnxExportDocumentedUsageTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-export-usage-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void TheManualsCSharpExampleGivesEncodesEmbeddings()
    {
        var folder = Path.Combine(work, "arctic-onnx");
        var export = CliRun.Of("export", "onnx", "--model_name_or_path", "Snowflake/snowflake-arctic-embed-xs", "--output_dir", folder);
        Assert.True(export.ExitCode == 0, export.Stderr);
        var questions = FaireTexts.Questions;
        var input = Path.Combine(work, "questions.jsonl");
        var encoded = Path.Combine(work, "questions.emb.jsonl");
        File.WriteAllLines(input, questions.Select(q => new JsonObject { ["text"] = q }.ToJsonString()));
        var encode = CliRun.Of("encode", "--model_name_or_path", "Snowflake/snowflake-arctic-embed-xs", "--input", input, "--output", encoded, "--prompt", "query");
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        var expected = File.ReadLines(encoded).Select(l => JsonNode.Parse(l)!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray()).ToList();

        // From here on, the manual's example.
        var tokenizer = BertTokenizer.Create(Path.Combine(folder, "vocab.txt"), new BertOptions { LowerCaseBeforeTokenization = true });
        using var session = new InferenceSession(Path.Combine(folder, "onnx", "model.onnx"));
        for (var i = 0; i < questions.Count; i++)
        {
            string query = "Represent this sentence for searching relevant passages: " + questions[i];
            long[] ids = [.. tokenizer.EncodeToIds(query).Select(id => (long)id)];
            int[] shape = [1, ids.Length];
            var inputs = new[]
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, ids.Length).ToArray(), shape)),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(shape)),
            };
            using var results = session.Run(inputs);
            float[] embedding = [.. results.First(r => r.Name == "sentence_embedding").AsEnumerable<float>()];
            // As the parity tests: float32 rounding between libtorch and ONNX Runtime only.
            Tolerance.SameEmbedding(expected[i], embedding, 1e-5, 0.99999, $"question {i}");
        }
    }
}

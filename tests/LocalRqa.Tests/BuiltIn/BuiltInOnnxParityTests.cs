using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>
/// The converted built-in models in TorchSharp against ONNX Runtime running the packaged model.onnx on the
/// same token ids: a swapped q/k, a missing transpose or a wrong bias would all show here.
/// </summary>
[Trait("Category", "ReferenceParity")]
public sealed class BuiltInOnnxParityTests : IDisposable
{
    readonly string cache = Directory.CreateTempSubdirectory("rqa-builtin-parity-").FullName;

    public BuiltInOnnxParityTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(cache, true);

    static readonly string[] Texts =
    [
        "How do I reset my password?",
        "Source: https://www.faire.com/support/articles/360021367712\nTitle: Returns for retailers\nContent:\nRetailers can return opening orders within 60 days of delivery, with free return shipping. Brands are notified when a return is requested.",
        "Représentez-vous naïvement un café — ou deux!",
        "x",
    ];

    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void LastHiddenStateMatchesOnnxRuntimeOnAPaddedBatch(string hubId)
    {
        var model = BuiltInModels.Find(hubId)!;
        using var encoder = SentenceEncoder.Load(BuiltInModels.GetFolder(model, cache));
        var tokens = encoder.Tokenize(Texts, PromptKind.None);
        Assert.True(tokens.Select(t => t.Ids.Length).Distinct().Count() == Texts.Length, "the batch needs padding");

        using var reference = new OnnxRuntimeReference(model);
        var expected = reference.LastHiddenState(tokens, encoder.Tokenizer.PadTokenId, out var length);

        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        using var batch = TokenBatch.Create(tokens, encoder.Tokenizer.PadTokenId);
        var actual = encoder.Model.forward(batch.InputIds, batch.AttentionMask).contiguous().data<float>().ToArray();

        // Compare every real token of every row; padded positions carry no meaning in either engine.
        var hidden = model.Config.HiddenSize;
        var maxDiff = 0f;
        for (var row = 0; row < tokens.Length; row++)
            for (var t = 0; t < tokens[row].Ids.Length; t++)
                for (var d = 0; d < hidden; d++)
                {
                    var at = (row * length + t) * hidden + d;
                    maxDiff = Math.Max(maxDiff, Math.Abs(expected[at] - actual[at]));
                }
        Assert.True(maxDiff <= 1e-4f, $"{hubId}: max abs diff {maxDiff}");
    }
}

using LocalRqa.Encoders;
using LocalRqa.Runtime;
using LocalRqa.Training.Dca;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Dca;

public sealed class DcaEmbedderTests
{
    public DcaEmbedderTests() => TorchRuntime.Initialize();

    static readonly string[] Texts = ["a short one", "a much longer question about returning a wholesale order"];

    [Fact]
    public void MaskedMeanMatchesTheEncodersMeanPoolingAndUnmaskedIncludesPadding()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean, Normalize = false });
        encoder.AddProjection(6);
        encoder.Train(false);
        using var _ = no_grad();
        var tokens = encoder.Tokenize(Texts, PromptKind.None);
        using var batch = TokenBatch.Create(tokens, encoder.Tokenizer.PadTokenId, length: 24);
        Assert.Equal(24, batch.InputIds.shape[1]);

        using var masked = DcaEmbedder.Embed(encoder, batch, applyMask: true, extractCls: false);
        var expected = encoder.Encode(Texts, PromptKind.None);
        // Same text through bert-tiny (hidden 128) padded to 24 vs in Encode's own batch: matmuls of other shapes
        // round differently, ≲ 128·eps·|x| ≈ 1.5e-5 on components ≲ 2 (measured ≤ 6e-7).
        Tolerance.SameEmbedding(expected[0], masked[0].contiguous().data<float>().ToArray(), absolute: 2e-5, what: "masked mean vs Encode");

        // Without the mask: all 24 positions attend and are averaged, as LocalRQA's embed_text with apply_mask=False.
        using var unmasked = DcaEmbedder.Embed(encoder, batch, applyMask: false, extractCls: false);
        using var states = encoder.TokenStates(batch.InputIds, ones_like(batch.AttentionMask));
        using var mean = states.mean([1]);
        Assert.True(unmasked.allclose(mean)); // the same ops on the same shapes in one process: the same bits
        Assert.False(unmasked[0].allclose(masked[0], rtol: 1e-3, atol: 1e-4));

        using var cls = DcaEmbedder.Embed(encoder, batch, applyMask: true, extractCls: true);
        using var clsStates = encoder.TokenStates(batch.InputIds, batch.AttentionMask);
        Assert.True(cls.allclose(clsStates.select(1, 0))); // likewise the same computation: the same bits
    }
}

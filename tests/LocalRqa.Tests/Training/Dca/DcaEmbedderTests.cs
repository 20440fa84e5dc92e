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
        for (var d = 0; d < 6; d++) Assert.Equal(expected[0][d], masked[0, d].item<float>(), 4);

        // Without the mask: all 24 positions attend and are averaged, as LocalRQA's embed_text with apply_mask=False.
        using var unmasked = DcaEmbedder.Embed(encoder, batch, applyMask: false, extractCls: false);
        using var states = encoder.TokenStates(batch.InputIds, ones_like(batch.AttentionMask));
        using var mean = states.mean([1]);
        Assert.True(unmasked.allclose(mean));
        Assert.False(unmasked[0].allclose(masked[0], rtol: 1e-3, atol: 1e-4));

        using var cls = DcaEmbedder.Embed(encoder, batch, applyMask: true, extractCls: true);
        using var clsStates = encoder.TokenStates(batch.InputIds, batch.AttentionMask);
        Assert.True(cls.allclose(clsStates.select(1, 0)));
    }
}

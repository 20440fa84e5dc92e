using LocalRqa.Teachers.Fid;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Teachers.Fid;

/// <summary>The FiD score aggregation on hand-built cross-attention logits, with the arithmetic written out.</summary>
public class FidScoresTests
{
    [Fact]
    public void SumsOverLayersHeadsAndUnmaskedTokensOfTheFirstDecoderPosition()
    {
        using var scope = NewDisposeScope();
        // One question, 2 passages of length 3 → 6 encoder tokens; 2 layers, 2 heads, 2 decoder positions.
        // Passage 0 keeps tokens 0, 1; passage 1 keeps token 0 (encoder token 3).
        var mask = tensor(new long[] { 1, 1, 0, 1, 0, 0 }, 1, 2, 3);
        const float junk = 1000f; // at padding and at decoder position 1: must not count
        var layer0 = tensor(new float[]
        {
            1, 2, junk, 4, junk, junk,      // head 0, position 0
            junk, junk, junk, junk, junk, junk, // head 0, position 1
            1, 1, junk, 1, junk, junk,      // head 1, position 0
            junk, junk, junk, junk, junk, junk,
        }, 1, 2, 2, 6);
        var layer1 = tensor(new float[]
        {
            0, 0, junk, 2, junk, junk,
            junk, junk, junk, junk, junk, junk,
            10, -10, junk, 0, junk, junk,
            junk, junk, junk, junk, junk, junk,
        }, 1, 2, 2, 6);

        var scores = FidScores.FromCrossAttentionLogits([layer0, layer1], mask);

        // passage 0: token 0 → 1 + 1 + 0 + 10 = 12, token 1 → 2 + 1 + 0 − 10 = −7; (12 − 7) / (2 tokens × 2 layers × 2 heads) = 5/8
        // passage 1: token 3 → 4 + 1 + 2 + 0 = 7; 7 / (1 × 2 × 2) = 7/4
        Assert.Equal([1L, 2L], scores.shape);
        // Sums of small integers and a division by 8 or 4 are exact in float32 in any order; 1e-6 absolute instead of
        // rounding to 6 decimals, which is flaky in principle.
        Assert.Equal(0.625f, scores[0, 0].item<float>(), 1e-6f);
        Assert.Equal(1.75f, scores[0, 1].item<float>(), 1e-6f);
    }

    [Fact]
    public void AllPaddingPassageScoresZero()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new long[] { 1, 0, 0, 0 }, 1, 2, 2);
        var logits = full(1, 1, 1, 4, 3.0f); // [B, h, T, P·L]
        var scores = FidScores.FromCrossAttentionLogits([logits], mask);
        // 4 · 3.0 / 4 and 0 / clamp(0, 1) are exact in float32; 1e-6 absolute instead of rounding to 6 decimals.
        Assert.Equal(3.0f, scores[0, 0].item<float>(), 1e-6f);
        Assert.Equal(0.0f, scores[0, 1].item<float>(), 1e-6f);
    }
}

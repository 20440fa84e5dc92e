using LocalRqa.Modeling.T5;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>T5's relative position buckets against values worked out by hand from the published formula.</summary>
public class T5RelativePositionTests
{
    // Encoder (bidirectional), 32 buckets, max_distance 128: 16 buckets per direction, keys after the query
    // add 16; distances below max_exact = 8 are exact; beyond, 8 + ⌊ln(d/8) / ln(128/8) · 8⌋, at most 15.
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    [InlineData(1, 17)]
    [InlineData(-7, 7)]
    [InlineData(-8, 8)]    // 8 + ⌊ln 1 / ln 16 · 8⌋ = 8
    [InlineData(-12, 9)]   // 8 + ⌊ln 1.5 / ln 16 · 8⌋ = 8 + ⌊1.170⌋ = 9
    [InlineData(-127, 15)] // 8 + ⌊ln 15.875 / ln 16 · 8⌋ = 8 + ⌊7.977⌋ = 15
    [InlineData(-500, 15)] // capped at the last bucket of the direction
    [InlineData(40, 28)]   // 16 + 8 + ⌊ln 5 / ln 16 · 8⌋ = 24 + ⌊4.644⌋ = 28
    [InlineData(500, 31)]
    public void Bidirectional(long relative, long expected) => Assert.Equal(expected, Bucket(relative, bidirectional: true));

    // Decoder (unidirectional), 32 buckets, max_distance 128: future keys are distance 0; max_exact = 16;
    // beyond, 16 + ⌊ln(d/16) / ln(128/16) · 16⌋, at most 31.
    [Theory]
    [InlineData(5, 0)]
    [InlineData(0, 0)]
    [InlineData(-3, 3)]
    [InlineData(-15, 15)]
    [InlineData(-16, 16)]   // 16 + ⌊ln 1 / ln 8 · 16⌋ = 16
    [InlineData(-20, 17)]   // 16 + ⌊ln 1.25 / ln 8 · 16⌋ = 16 + ⌊1.717⌋ = 17
    [InlineData(-100, 30)]  // 16 + ⌊ln 6.25 / ln 8 · 16⌋ = 16 + ⌊14.10⌋ = 30
    [InlineData(-1000, 31)]
    public void Unidirectional(long relative, long expected) => Assert.Equal(expected, Bucket(relative, bidirectional: false));

    [Fact]
    public void BucketGridHasQueriesAsRowsAndKeysAsColumns()
    {
        using var scope = NewDisposeScope();
        var grid = T5RelativePosition.Buckets(3, 3, 0, bidirectional: true, numBuckets: 32, maxDistance: 128, CPU);
        // key − query: [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]
        Assert.Equal([0L, 17, 18, 1, 0, 17, 2, 1, 0], grid.data<long>().ToArray());
    }

    static long Bucket(long relative, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        return T5RelativePosition.Bucket(tensor(new[] { relative }), bidirectional, numBuckets: 32, maxDistance: 128).item<long>();
    }
}

using LocalRqa.Evaluation.Metrics;
using static LocalRqa.Tests.Evaluation.Metrics.MetricDocs;

namespace LocalRqa.Tests.Evaluation.Metrics;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last bits.
public sealed class DocumentCoverageTests
{
    const string Gold10 = "alpha bravo charlie delta echo foxtrot golf hotel india juliet";

    [Fact]
    public void EightOfTenGoldTokensIsLikelySame()
    {
        // Shared: alpha..hotel = 8 of the gold's 10 tokens → 8/10 = 0.8 > 0.7.
        var retrieved = Doc("other", "alpha bravo charlie delta echo foxtrot golf hotel kilo lima");
        Assert.Equal(0.8, DocumentCoverage.Coverage(retrieved, Doc("gold", Gold10)), 1e-12);
        Assert.True(DocumentCoverage.IsLikelySame(retrieved, Doc("gold", Gold10)));
    }

    [Fact]
    public void ExactlySeventyPercentIsNotLikelySame()
    {
        // Shared: alpha..golf = 7 of 10 → 7/10 = 0.7, and LocalRQA's test is strict (> 0.7).
        var retrieved = Doc("other", "alpha bravo charlie delta echo foxtrot golf mike november oscar");
        Assert.Equal(0.7, DocumentCoverage.Coverage(retrieved, Doc("gold", Gold10)));
        Assert.False(DocumentCoverage.IsLikelySame(retrieved, Doc("gold", Gold10)));
    }

    [Fact]
    public void CoverageIsDividedByGoldTokensNotRetrievedTokens()
    {
        // Gold "alpha bravo" (2 tokens) fully inside a 12-token retrieved text → 2/2 = 1, not 2/12.
        Assert.Equal(1.0, DocumentCoverage.Coverage(Gold10 + " kilo alpha bravo", "alpha bravo"));
        // Reverse direction: 2 of the 10 gold tokens → 0.2.
        Assert.Equal(0.2, DocumentCoverage.Coverage("alpha bravo", Gold10), 1e-12);
    }

    [Fact]
    public void NormalisationRemovesCaseArticlesAndPunctuation()
    {
        // Gold "The Cat sat on a mat." → "the cat sat on a mat" → articles out → [cat, sat, on, mat] (4 tokens).
        // Retrieved "cat, sat; ON the MAT!!" → [cat, sat, on, mat] → 4/4 = 1 (a raw whitespace split would share none of "The", "Cat", "a", "mat.").
        Assert.Equal(1.0, DocumentCoverage.Coverage("cat, sat; ON the MAT!!", "The Cat sat on a mat."));
        // Punctuation is deleted, not replaced by a space: "apple-day" → "appleday", sharing nothing with gold
        // "an apple a day" → [apple, day] → 0/2; "apple, day" → [apple, day] → 2/2.
        Assert.Equal(0.0, DocumentCoverage.Coverage("apple-day keeps", "an apple a day"));
        Assert.Equal(1.0, DocumentCoverage.Coverage("apple, day", "an apple a day"));
        // Articles are whole words only: "another" and "theory" stay → [another, theory] shared 2/2.
        Assert.Equal(1.0, DocumentCoverage.Coverage("theory another", "another theory"));
    }

    [Fact]
    public void OverlapCountsRepeatsAsAMultiset()
    {
        // Gold [go, go, go, stop] (4). "go stop": min(1,3) + min(1,1) = 2 → 2/4 = 0.5.
        Assert.Equal(0.5, DocumentCoverage.Coverage("go stop", "go go go stop"));
        // "go go go go stop": min(4,3) + min(1,1) = 4 → 4/4 = 1.
        Assert.Equal(1.0, DocumentCoverage.Coverage("go go go go stop", "go go go stop"));
    }

    [Fact]
    public void GoldWithoutTokensHasZeroCoverage()
    {
        // "The a, an!" normalises to nothing; LocalRQA would divide by zero, we return 0.
        Assert.Equal(0.0, DocumentCoverage.Coverage("the a an", "The a, an!"));
    }
}

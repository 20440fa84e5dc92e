using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Retrieval;

/// <summary>
/// rank_bm25's BM25Okapi (k1 1.5, b 0.75, ε 0.25) on three documents, every number worked out by hand:
/// <code>
/// d0 "The cat sat on the mat."   → cat sat on mat      |d0| = 4
/// d1 "A dog sat with the dog."   → dog sat with dog    |d1| = 4
/// d2 "An old bird!"              → old bird            |d2| = 2
/// N = 3, avgdl = 10 / 3 = 3.3333…
/// terms in first-occurrence order: cat sat on mat dog with old bird (8)
/// n(sat) = 2, n(other) = 1
/// idf(n=1) = ln(3 − 1 + 0.5) − ln(1 + 0.5) = ln 2.5 − ln 1.5 = L = 0.5108256237659907
/// idf(sat) = ln(1.5) − ln(2.5) = −L  (in more than half the documents: negative)
/// mean idf = (7L − L) / 8 = 0.75 L = 0.383119217824493
/// idf(sat) := ε · mean = 0.1875 L = 0.09577980445612325
/// length norm k1·(1 − b + b·|d|/avgdl): |d| = 4 → 1.5·(0.25 + 0.9) = 1.725; |d| = 2 → 1.5·(0.25 + 0.45) = 1.05
/// tf part tf·(k1 + 1)/(tf + norm): tf 1, |d| 4 → 2.5/2.725 = 0.91743119…; tf 2, |d| 4 → 5/3.725 = 1.34228187…;
///                                  tf 1, |d| 2 → 2.5/2.05 = 1.21951219…
/// </code>
/// </summary>
public sealed class Bm25IndexTests
{
    private const double L = 0.5108256237659907;
    private const double SatIdf = 0.09577980445612325;

    private static Bm25Index Index() => new(
        new[] { "The cat sat on the mat.", "A dog sat with the dog.", "An old bird!" }
            .Select(t => (IReadOnlyList<string>)Bm25Tokenizer.Tokenize(t)).ToList());

    [Fact]
    public void TermStatistics()
    {
        var index = Index();

        Assert.Equal(3, index.DocumentCount);
        Assert.Equal(8, index.TermCount);
        Assert.Equal(10.0 / 3, index.AverageDocumentLength, 1e-15);
        Assert.Equal(2, index.DocumentFrequency("sat"));
        Assert.Equal(1, index.DocumentFrequency("dog"));
        Assert.Equal(0, index.DocumentFrequency("zebra"));
        Assert.Equal(0.383119217824493, index.AverageIdf, 1e-15);
        foreach (var term in new[] { "cat", "on", "mat", "dog", "with", "old", "bird" })
            Assert.Equal(L, index.Idf(term), 1e-15);
        Assert.Equal(SatIdf, index.Idf("sat"), 1e-15); // ε · mean idf, not −L
        Assert.Equal(0, index.Idf("zebra"));
    }

    [Fact]
    public void ScoresCountDuplicatedQueryTokens()
    {
        // "dog sat dog": d0 = idf(sat)·0.91743 = 0.08787138023497547
        //                d1 = L·1.34228 (dog) + idf(sat)·0.91743 (sat) + L·1.34228 (dog again) = 1.4592153366537426
        //                d2 = 0 (no query term)
        var scores = Index().Scores(["dog", "sat", "dog"]);

        Assert.Equal(0.08787138023497547, scores[0], 1e-14);
        Assert.Equal(1.4592153366537426, scores[1], 1e-14);
        Assert.Equal(0, scores[2]);
    }

    [Fact]
    public void ScoresWeighDocumentLength()
    {
        var index = Index();
        // One occurrence in a 4-token and in a 2-token document: the shorter one weighs more.
        Assert.Equal([0.46864736125320255, 0, 0], index.Scores(["mat"]), (a, b) => Math.Abs(a - b) < 1e-14);
        Assert.Equal([0, 0, 0.6229580777634034], index.Scores(["bird"]), (a, b) => Math.Abs(a - b) < 1e-14);
        // Terms absent from the corpus add nothing.
        Assert.Equal([0.46864736125320255, 0, 0], index.Scores(["zebra", "mat"]), (a, b) => Math.Abs(a - b) < 1e-14);
    }

    [Fact]
    public void EmptyCorpusIsAUserError() =>
        Assert.Throws<RqaException>(() => new Bm25Index([]));
}

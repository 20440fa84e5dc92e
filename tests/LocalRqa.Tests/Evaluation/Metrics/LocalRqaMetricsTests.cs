using LocalRqa.Data;
using LocalRqa.Evaluation.Metrics;
using static LocalRqa.Tests.Evaluation.Metrics.MetricDocs;

namespace LocalRqa.Tests.Evaluation.Metrics;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last
// bits; a 7-digit literal is checked to 5e-7, half its last digit.
public sealed class LocalRqaMetricsTests
{
    static readonly Document G1a = Doc("kb/returns", "returns are accepted within thirty days");
    static readonly Document G1b = Doc("kb/refunds", "refunds reach your card after five business days");
    static readonly Document G2 = Doc("kb/shipping", "orders ship from our warehouse every monday");
    static readonly Document G3 = Doc("kb/alphabet", "alpha bravo charlie delta echo foxtrot golf hotel india juliet");
    // 8 of G3's 10 tokens (different source and text): likely G3.
    static readonly Document L8 = Doc("kb/copy8", "alpha bravo charlie delta echo foxtrot golf hotel kilo lima");
    // 7 of G3's 10 tokens: exactly 0.7, not likely G3.
    static readonly Document L7 = Doc("kb/copy7", "alpha bravo charlie delta echo foxtrot golf mike november oscar");
    static readonly Document G4 = Doc("kb/payments", "we accept cards and bank transfers");
    static readonly Document G5 = Doc("kb/numbers", "one two three four five six seven eight nine ten");
    // 7 of G5's 10 tokens: not likely G5.
    static readonly Document M7 = Doc("kb/copy-numbers", "one two three four five six seven zero zero zero");

    static RetrievalOutcome[] FiveQuestions() =>
    [
        // Q1: two gold, G1a at rank 1, G1b at rank 5.
        Question(G1a, G1b).Retrieved(G1a, Filler("x1"), Filler("x2"), Filler("x3"), G1b),
        // Q2: gold at rank 3.
        Question(G2).Retrieved(Filler("y1"), Filler("y2"), G2, Filler("y3"), Filler("y4")),
        // Q3: no exact hit; L7 (0.7) at rank 1, L8 (0.8) at rank 2.
        Question(G3).Retrieved(L7, L8, Filler("z1"), Filler("z2"), Filler("z3")),
        // Q4: gold at rank 1.
        Question(G4).Retrieved(G4, Filler("w1"), Filler("w2"), Filler("w3"), Filler("w4")),
        // Q5: only a 70% copy.
        Question(G5).Retrieved(M7, Filler("v1"), Filler("v2"), Filler("v3"), Filler("v4")),
    ];

    [Fact]
    public void ComputesEveryMetricByHand()
    {
        var metrics = LocalRqaMetrics.Compute(FiveQuestions(), ndcg: true);

        // recall4 (all gold in top 4): Q1 no (G1b is 5th; LocalRQA would say yes at top_k 5, as it uses all
        // retrieved documents), Q2 yes, Q3 no, Q4 yes, Q5 no → 2/5.
        Assert.Equal(0.4, metrics[LocalRqaMetrics.Recall4], 1e-12);
        // recall1 (all gold at rank 1): only Q4 (Q1's G1b is not) → 1/5.
        Assert.Equal(0.2, metrics[LocalRqaMetrics.Recall1], 1e-12);
        // likely_recall: Q1, Q2, Q4 exact (coverage 1); Q3 via L8 (0.8 > 0.7); Q5 only M7 (0.7, not > 0.7) → 4/5.
        Assert.Equal(0.8, metrics[LocalRqaMetrics.LikelyRecall], 1e-12);
        // accuracy over all 25 retrieved: exact gold are G1a, G1b, G2, G4 → 4/25.
        Assert.Equal(0.16, metrics[LocalRqaMetrics.Accuracy], 1e-12);
        // likely_accuracy: those 4 plus L8 (L7 and M7 are exactly 0.7) → 5/25.
        Assert.Equal(0.2, metrics[LocalRqaMetrics.LikelyAccuracy], 1e-12);
        // ndcg per question, DCG = Σ rel_i/log2(i+2), IDCG = relevant retrieved docs first:
        //   Q1 rel [1,0,0,0,1]: (1 + 1/log2 6) / (1 + 1/log2 3) = 1.3868528 / 1.6309298 = 0.8503449
        //   Q2 rel [0,0,1,0,0]: (1/log2 4) / 1 = 0.5;  Q3: nothing relevant → 0;  Q4 rel [1,0,0,0,0]: 1;  Q5: 0
        //   mean = (0.8503449 + 0.5 + 0 + 1 + 0) / 5 = 0.4700690 → round(…, 4) = 0.4701
        Assert.Equal(0.4701, metrics[LocalRqaMetrics.Ndcg], 1e-12);
        Assert.Equal(
            [LocalRqaMetrics.Recall4, LocalRqaMetrics.Recall1, LocalRqaMetrics.LikelyRecall, LocalRqaMetrics.Accuracy, LocalRqaMetrics.LikelyAccuracy, LocalRqaMetrics.Ndcg],
            metrics.Keys);
    }

    [Fact]
    public void NdcgIsOptIn()
    {
        var metrics = LocalRqaMetrics.Compute(FiveQuestions());
        Assert.False(metrics.ContainsKey(LocalRqaMetrics.Ndcg));
        Assert.Equal(5, metrics.Count);
    }

    [Fact]
    public void PerQuestionScoresMatchTheHandCount()
    {
        var scores = FiveQuestions().Select(LocalRqaMetrics.Score).ToArray();
        Assert.Equal([false, true, false, true, false], scores.Select(s => s.Recall4));
        Assert.Equal([false, false, false, true, false], scores.Select(s => s.Recall1));
        Assert.Equal([true, true, true, true, false], scores.Select(s => s.LikelyRecall));
        Assert.Equal([2, 1, 0, 1, 0], scores.Select(s => s.CorrectCount));
        Assert.Equal([2, 1, 1, 1, 0], scores.Select(s => s.LikelyCorrectCount));
        // Q1: (1 + 1/log2 6) / (1 + 1/log2 3).
        Assert.Equal((1 + 1 / Math.Log2(6)) / (1 + 1 / Math.Log2(3)), scores[0].Ndcg, 1e-12);
        Assert.Equal(0.8503449, scores[0].Ndcg, 5e-7);

        var table = LocalRqaMetrics.PerQuestion(FiveQuestions(), ndcg: true);
        Assert.Equal([0.0, 1, 0, 1, 0], table[LocalRqaMetrics.Recall4]);
        Assert.Equal([1.0, 1, 1, 1, 0], table[LocalRqaMetrics.LikelyRecall]);
        Assert.Equal(0.4, table.Means()[LocalRqaMetrics.Recall4], 1e-12);
    }

    [Fact]
    public void Recall4IgnoresRanksBeyondFour()
    {
        // Gold at rank 5 of 10: LocalRQA (all retrieved with k = 4 fixed) would count it at top_k 10; we do not.
        var outcome = Question(G2).Retrieved(Filler("a"), Filler("b"), Filler("c"), Filler("d"), G2, Filler("e"));
        Assert.Equal(0.0, LocalRqaMetrics.Compute([outcome])[LocalRqaMetrics.Recall4]);
        // likely_recall looks at all retrieved (top-k) documents: 1.
        Assert.Equal(1.0, LocalRqaMetrics.Compute([outcome])[LocalRqaMetrics.LikelyRecall]);
    }

    [Fact]
    public void LikelyRecallCountsEachQuestionOnce()
    {
        // LocalRQA's calculate_recall runs for top-4 and top-1 and bumps likely_recall in both, so a gold at
        // rank 1 would give 2/1 = 2.0; we report 1/1.
        var metrics = LocalRqaMetrics.Compute([Question(G4).Retrieved(G4, Filler("a"))]);
        Assert.Equal(1.0, metrics[LocalRqaMetrics.LikelyRecall]);
    }

    [Fact]
    public void LikelyRecallNeedsEveryGoldLikelyFound()
    {
        // G3 is likely found (L8: 0.8), G5 is not (M7: 0.7) → not all → 0.
        var metrics = LocalRqaMetrics.Compute([Question(G3, G5).Retrieved(L8, M7)]);
        Assert.Equal(0.0, metrics[LocalRqaMetrics.LikelyRecall]);
        // likely_accuracy: L8 likely matches a gold, M7 does not → 1/2.
        Assert.Equal(0.5, metrics[LocalRqaMetrics.LikelyAccuracy]);
    }

    [Fact]
    public void NdcgCountsAHitOnAnyGoldDocument()
    {
        // Gold [G1a, G1b], retrieved [G1a, filler]. LocalRQA's loop keeps only the last gold document's match
        // (G1b: no), so it would give rel [0, 0] → 0. Any-gold relevance: rel [1, 0] → (1/log2 2) / (1/log2 2) = 1.
        var metrics = LocalRqaMetrics.Compute([Question(G1a, G1b).Retrieved(G1a, Filler("a"))], ndcg: true);
        Assert.Equal(1.0, metrics[LocalRqaMetrics.Ndcg]);
    }

    [Fact]
    public void SameDocumentMeansSameSourceAndPageContent()
    {
        // Different fmt_content and extra metadata: still the same document (exact).
        var copy = Document.Create(G2.PageContent, "Title: shipping\n" + G2.PageContent,
            new Dictionary<string, object?> { ["source"] = "kb/shipping", ["title"] = "shipping", ["seq_num"] = 3L });
        // Same text from another source: not the same document, but coverage 1 → likely.
        var elsewhere = Doc("kb/other", G2.PageContent);

        var metrics = LocalRqaMetrics.Compute([Question(G2).Retrieved(copy), Question(G2).Retrieved(elsewhere)]);
        // accuracy: copy yes, elsewhere no → 1/2; likely_accuracy: both → 2/2.
        Assert.Equal(0.5, metrics[LocalRqaMetrics.Accuracy]);
        Assert.Equal(1.0, metrics[LocalRqaMetrics.LikelyAccuracy]);
        Assert.Equal(0.5, metrics[LocalRqaMetrics.Recall1]);
    }

    [Fact]
    public void QuestionWithoutGoldCountsAsRecalledAsPythonAllDoes()
    {
        var metrics = LocalRqaMetrics.Compute([new RetrievalOutcome([], [Filler("a")])]);
        Assert.Equal(1.0, metrics[LocalRqaMetrics.Recall1]);
        Assert.Equal(0.0, metrics[LocalRqaMetrics.Accuracy]);
    }

    [Fact]
    public void NoQuestionsIsAnError() =>
        Assert.Throws<ArgumentException>(() => LocalRqaMetrics.Compute([]));

    [Fact]
    public void PrefixFlattensNamesAsLocalRqaLogsThem()
    {
        var named = MetricPrefix.Retrieval("eval", LocalRqaMetrics.Compute(FiveQuestions()));
        Assert.Equal(0.4, named["eval_retr/document_recall/recall4"], 1e-12);
        Assert.Equal("eval_retr/document_accuracy/likely_accuracy", named.Keys.ElementAt(4));
    }
}

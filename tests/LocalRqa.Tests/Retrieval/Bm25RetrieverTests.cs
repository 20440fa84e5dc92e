using System.Diagnostics;
using System.Text.Json;
using LocalRqa.Data;
using LocalRqa.Retrieval;
using Xunit.Abstractions;

namespace LocalRqa.Tests.Retrieval;

public sealed class Bm25RetrieverTests(ITestOutputHelper output)
{
    private static Document Doc(string fmtContent) => new("unused page content", fmtContent, new Dictionary<string, object?>());

    [Fact]
    public void IndexesFmtContentAndRanksBestFirst()
    {
        // The corpus of Bm25IndexTests; page_content is not what BM25 reads.
        var retriever = new Bm25Retriever([Doc("The cat sat on the mat."), Doc("A dog sat with the dog."), Doc("An old bird!")]);

        var hits = retriever.Retrieve(["Dog, sat? dog!"], 2)[0];

        Assert.Equal([1, 0], hits.Select(h => h.Index));
        Assert.Equal(1.4592153366537426f, hits[0].Score);
        Assert.Equal(0.08787138023497547f, hits[1].Score);
        Assert.Equal("bm25", retriever.Description);
    }

    [Fact]
    public void TiesGoToTheEarlierDocument()
    {
        // Five documents, so "apple" (in 2) has idf ln(3.5) − ln(2.5) > 0; with four it would be exactly 0.
        var retriever = new Bm25Retriever([Doc("apple pie"), Doc("banana bread"), Doc("apple pie"), Doc("cherry"), Doc("date")]);

        // d0 and d2 score the same, above the zeros of d1, d3 and d4.
        var apple = retriever.Retrieve(["apple"], 5)[0];
        Assert.Equal([0, 2, 1, 3, 4], apple.Select(h => h.Index));
        Assert.True(apple[0].Score > 0);
        Assert.Equal(apple[0].Score, apple[1].Score);
        // No term matches: every score is 0 and the order is the documents' own.
        Assert.Equal([0, 1, 2, 3, 4], retriever.Retrieve(["zebra"], 5)[0].Select(h => h.Index));
        Assert.Equal([0, 1, 2, 3, 4], retriever.Retrieve(["the"], 5)[0].Select(h => h.Index)); // no tokens at all
    }

    [Fact]
    public void KLargerThanCorpusReturnsEveryDocument()
    {
        var retriever = new Bm25Retriever([Doc("apple pie"), Doc("banana bread"), Doc("cherry")]);

        var hits = retriever.Retrieve(["bread", "cherry"], 10);

        Assert.Equal([1, 0, 2], hits[0].Select(h => h.Index));
        Assert.Equal([2, 0, 1], hits[1].Select(h => h.Index));
        Assert.Empty(retriever.Retrieve(["bread"], 0)[0]);
    }

    [Fact]
    public void EmptyCorpusIsAUserError() =>
        Assert.Throws<RqaException>(() => new Bm25Retriever([]));

    [Fact]
    public void ReportsQueriesDone()
    {
        var retriever = new Bm25Retriever([Doc("apple pie"), Doc("banana bread")]);
        var reports = new System.Collections.Concurrent.ConcurrentBag<int>();

        retriever.Retrieve(Enumerable.Repeat("apple", 50).ToList(), 1, new SyncProgress(reports.Add));

        Assert.Equal(Enumerable.Range(1, 50), reports.Order());
    }

    [Fact]
    public void ParallelScoringMatchesOneQueryAtATime()
    {
        var documents = Enumerable.Range(0, 200).Select(i => Doc($"doc {i} word{i % 7} word{i % 11} word{i % 13} shared")).ToList();
        var retriever = new Bm25Retriever(documents);
        var queries = Enumerable.Range(0, 100).Select(i => $"word{i % 7} word{i % 5} shared word{i % 13}").ToList();

        var together = retriever.Retrieve(queries, 5);

        for (int q = 0; q < queries.Count; q++)
            Assert.Equal(retriever.Retrieve([queries[q]], 5)[0], together[q]);
    }

    /// <summary>
    /// LocalRQA's BM25 baseline on the Faire evaluation set (73 questions over 1,758 documents): strict recall (all
    /// gold documents in the top k) of 0.370 at k = 1 and 0.863 at k = 4, within one question.
    /// </summary>
    [Fact]
    public void MatchesLocalRqaRecallOnFaire()
    {
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        Assert.True(Directory.Exists(faire), $"shared data missing: {faire} (set RQA_SHARED_DATA)");
        var documents = DocumentDatabase.Load(Path.Combine(faire, "documents.pkl"));
        var questions = new List<string>();
        var golds = new List<HashSet<DocumentIdentity>>();
        int line = 0;
        foreach (var text in File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")))
        {
            line++;
            if (text.Length == 0) continue;
            using var json = JsonDocument.Parse(text);
            var gold = json.RootElement.GetProperty("gold_docs").EnumerateArray()
                .Select(e => DocumentJson.Parse(e, $"eval_w_q.jsonl:{line}").Identity).ToHashSet();
            foreach (var question in json.RootElement.GetProperty("questions").EnumerateArray())
            {
                questions.Add(question.GetString()!);
                golds.Add(gold);
            }
        }
        Assert.Equal(73, questions.Count);

        var clock = Stopwatch.StartNew();
        var retriever = new Bm25Retriever(documents);
        var indexed = clock.Elapsed;
        var hits = retriever.Retrieve(questions, 4);
        var retrieved = clock.Elapsed - indexed;

        double Recall(int k) => Enumerable.Range(0, questions.Count)
            .Count(q => golds[q].IsSubsetOf(hits[q].Take(k).Select(h => documents[h.Index].Identity))) / (double)questions.Count;
        double recall1 = Recall(1), recall4 = Recall(4);
        output.WriteLine($"recall@1 {recall1:F4} ({recall1 * 73:F0}/73), recall@4 {recall4:F4} ({recall4 * 73:F0}/73); " +
                         $"index {indexed.TotalMilliseconds:F0} ms, 73 queries {retrieved.TotalMilliseconds:F1} ms");

        // LocalRQA's BM25 gives exactly 27/73 (0.370) and 63/73 (0.863): the arithmetic is the same, so no slack.
        Assert.Equal(27, (int)Math.Round(recall1 * 73));
        Assert.Equal(63, (int)Math.Round(recall4 * 73));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool and may report late).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

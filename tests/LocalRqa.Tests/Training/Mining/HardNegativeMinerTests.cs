using LocalRqa.Data;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;
using LocalRqa.Training.Mining;

namespace LocalRqa.Tests.Training.Mining;

public class HardNegativeMinerTests
{
    static Document Doc(string source, string text) => Document.Create(text, null, new Dictionary<string, object?> { ["source"] = source });

    /// <summary>Returns a fixed ranking per query and records the depth it was asked for.</summary>
    sealed class FixedRetriever(Dictionary<string, int[]> rankings) : IRetriever
    {
        public int AskedDepth;
        public List<string> Asked = [];
        public string Description => "fixed";
        public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
        {
            AskedDepth = k;
            Asked.AddRange(queries);
            return queries.Select(q => rankings[q].Take(k).Select((index, rank) => new SearchHit(index, -rank)).ToArray()).ToList();
        }
    }

    readonly DocumentCollection documents = new("mem", [
        Doc("a", "gold text"),          // 0: the gold
        Doc("b", "neighbour"),          // 1
        Doc("c", "gold text"),          // 2: a copy of the gold's text under another source
        Doc("d", "other 1"),            // 3
        Doc("e", "other 2"),            // 4
        Doc("f", "other 3"),            // 5
        Doc("g", "other 4"),            // 6
    ]);

    RetrievalExample Example(string question, Document gold, params Document[] negatives) => new(question, [gold], negatives, null, null, 1);

    [Fact]
    public void SkipsTheTopAndNeverMinesTheGoldOrACopyOfIt()
    {
        var own = Doc("z", "the file's own negative");
        var examples = new[] { Example("q1", documents.Documents[0], own) };
        // Ranking: the neighbour (skipped as the top), the gold, 3, the gold's text under another source, 4, 5.
        var retriever = new FixedRetriever(new() { ["q1"] = [1, 0, 3, 2, 4, 5] });
        var result = new HardNegativeMiner(perQuestion: 2, skipTop: 1, depth: 6).Mine(examples, retriever, documents);

        Assert.Equal(6, retriever.AskedDepth);
        var negatives = result.Examples[0].HardNegDocs;
        Assert.Equal(["d", "e", "z"], negatives.Select(d => d.Metadata["source"]));   // mined first, the file's own after
        Assert.Equal(0, result.Shortfall);
        Assert.Equal("q1", result.Examples[0].Question);
    }

    [Fact]
    public void CountsQuestionsThatGotTooFewAndSearchesEachQuestionOnce()
    {
        var examples = new[] { Example("q1", documents.Documents[0]), Example("q1", documents.Documents[0]), Example("q2", documents.Documents[3]) };
        var retriever = new FixedRetriever(new() { ["q1"] = [0, 2, 1], ["q2"] = [3, 4, 5] });
        var result = new HardNegativeMiner(perQuestion: 2, skipTop: 0, depth: 3).Mine(examples, retriever, documents);

        Assert.Equal(["q1", "q2"], retriever.Asked);
        Assert.Equal(["b"], result.Examples[0].HardNegDocs.Select(d => d.Metadata["source"]));  // only the neighbour qualifies
        Assert.Equal(["e", "f"], result.Examples[2].HardNegDocs.Select(d => d.Metadata["source"]));
        Assert.Equal(2, result.Shortfall);
    }

    [Fact]
    public void DepthIsCappedAtTheDatabaseSize()
    {
        var retriever = new FixedRetriever(new() { ["q"] = [1, 2, 3, 4, 5, 6, 0] });
        new HardNegativeMiner(1, 0, 100).Mine([Example("q", documents.Documents[0])], retriever, documents);
        Assert.Equal(documents.Count, retriever.AskedDepth);
    }

    [Theory]
    [InlineData(0, 0, 10)]
    [InlineData(1, 5, 5)]
    [InlineData(1, -1, 5)]
    public void RejectsImpossibleSettings(int perQuestion, int skipTop, int depth) =>
        Assert.ThrowsAny<ArgumentException>(() => new HardNegativeMiner(perQuestion, skipTop, depth));
}

using LocalRqa.Data;
using LocalRqa.Runtime;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Training.Ctl;

public sealed class CtlBatchBuilderTests
{
    static readonly Lazy<IReadOnlyList<RetrievalExample>> FaireTrain =
        new(() => RetrievalDataReader.Read(Path.Combine(TestPaths.SharedDataRoot, "faire", "train_w_q.jsonl")));

    static Document Doc(string source, string content, string? fmt = null) =>
        Document.Create(content, fmt, new Dictionary<string, object?> { ["source"] = source });

    static RetrievalExample Example(string question, Document gold, params Document[] hardNegatives) =>
        new(question, [gold], hardNegatives, null, null, 1);

    [Theory]
    [InlineData(40, 2)]   // 0.05 × 40 = 2.0
    [InlineData(10, 0)]   // 0.05 × 10 = 0.5 → int() truncates to 0
    [InlineData(19, 0)]   // 0.95 → 0
    [InlineData(20, 1)]   // 1.0
    [InlineData(60, 3)]   // 0.05 × 60 = 3.0000000000000004 in IEEE doubles → 3
    [InlineData(1, 0)]
    public void HardNegativeCountIsPythonsTruncatingInt(int batchSize, int expected) =>
        Assert.Equal(expected, new CtlBatchBuilder(0.05).HardNegativeCount(batchSize));

    [Fact]
    public void FortyFaireQuestionsGetTwoHardNegativesAfterTheirPositives()
    {
        var examples = FaireTrain.Value.Take(40).ToList();
        var batch = new CtlBatchBuilder().Build(examples, new Random(1));
        Assert.Equal(40, batch.Size);
        Assert.Equal(2, batch.RequestedHardNegatives);
        Assert.Equal(2, batch.HardNegatives);
        Assert.Equal(0, batch.MissingHardNegatives);
        Assert.Equal(42, batch.Candidates.Count);
        Assert.Equal(examples.Select(e => e.Question), batch.Queries);
        Assert.Equal(examples.Select(e => e.GoldDocs[0]), batch.Candidates.Take(40)); // positives, in query order
        var pool = examples.SelectMany(e => e.HardNegDocs).ToList();
        Assert.All(batch.Candidates.Skip(40), n => Assert.Contains(n, pool));
        Assert.Equal(examples.Select(e => e.GoldDocs[0].FmtContent).Concat(batch.Candidates.Skip(40).Select(n => n.FmtContent)), batch.CandidateTexts);

        var ten = new CtlBatchBuilder().Build(examples.Take(10).ToList(), new Random(1));
        Assert.Equal(10, ten.Candidates.Count); // int(0.05 × 10) = 0 hard negatives
        Assert.Equal(0, ten.MissingHardNegatives);
    }

    [Fact]
    public void HardNegativesEqualToAGoldOfTheBatchAreExcludedByIdentity()
    {
        // b2 is b by identity (same source and page_content) but formatted differently: still excluded.
        var a = Doc("s", "passage a");
        var b = Doc("s", "passage b");
        var b2 = Doc("s", "passage b", "another format of b");
        var x = Doc("s", "passage x");
        var y = Doc("t", "passage b"); // same content, other source: a different document, kept
        var examples = new[] { Example("qa", a, b2, x), Example("qb", b, y) };
        // int(1.5 × 2) = 3 asked; pool = [b2, x, y] − {b2} = [x, y]: 2 taken, 1 missing
        var batch = new CtlBatchBuilder(1.5).Build(examples, new Random(3));
        Assert.Equal(3, batch.RequestedHardNegatives);
        Assert.Equal(2, batch.HardNegatives);
        Assert.Equal(1, batch.MissingHardNegatives);
        Assert.Equal([a, b], batch.Candidates.Take(2));
        Assert.Equal(new HashSet<Document> { x, y }, batch.Candidates.Skip(2).ToHashSet());
    }

    [Fact]
    public void FaireHardNegativesThatAreAnotherLinesGoldAreExcluded()
    {
        var all = FaireTrain.Value;
        // Find a question whose hard negative is the gold passage of a later line (the Faire file has many).
        var (first, second, negative) = all
            .SelectMany((e, i) => e.HardNegDocs.Select(n => (i, n)))
            .SelectMany(t => all.Select((e, k) => (t.i, k, t.n, gold: e.GoldDocs[0])))
            .Where(t => t.k > t.i + 1 && t.gold.Identity == t.n.Identity)
            .Select(t => (t.i, t.k, t.n))
            .First();
        var examples = new[] { all[first], all[second] };
        var pool = examples.SelectMany(e => e.HardNegDocs).ToList();
        // Ask for every hard negative: all are taken except those equal to either gold.
        var batch = new CtlBatchBuilder(pool.Count / 2.0).Build(examples, new Random(0));
        var golds = examples.Select(e => e.GoldDocs[0].Identity).ToHashSet();
        var expected = pool.Count(n => !golds.Contains(n.Identity));
        Assert.True(expected < pool.Count);
        Assert.Equal(expected, batch.HardNegatives);
        Assert.DoesNotContain(batch.Candidates.Skip(2), n => n.Identity == negative.Identity);
        Assert.Equal(pool.Count - expected, batch.MissingHardNegatives);
    }

    [Fact]
    public void TwoFaireQuestionsOfOnePassageMaskEachOthersPositive()
    {
        // Flattened lines 1 and 2: examples 0 and 1 share one gold passage, 2 and 3 another.
        var examples = FaireTrain.Value.Take(4).ToList();
        Assert.Equal(examples[0].GoldDocs[0], examples[1].GoldDocs[0]);
        Assert.Equal(examples[2].GoldDocs[0], examples[3].GoldDocs[0]);
        Assert.NotEqual(examples[0].GoldDocs[0].Identity, examples[2].GoldDocs[0].Identity);

        var batch = new CtlBatchBuilder(0.0).Build(examples, new Random(0));
        var mask = batch.FalseNegativeMask!;
        // candidates = 4 positives: q0 must not be pushed away from c1 (its own passage), and so on.
        bool[,] expected =
        {
            { false, true, false, false },
            { true, false, false, false },
            { false, false, false, true },
            { false, false, true, false },
        };
        Assert.Equal(expected, mask);
        Assert.Equal(4, batch.MaskedCount);

        TorchRuntime.Initialize();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var tensor = batch.MaskTensor()!; // [4, 4] bool
        Assert.Equal([4L, 4L], tensor.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Bool, tensor.dtype);
        Assert.True(tensor[0, 1].item<bool>());
        Assert.False(tensor[0, 0].item<bool>());

        var unmasked = new CtlBatchBuilder(0.0, maskFalseNegatives: false).Build(examples, new Random(0));
        Assert.Null(unmasked.FalseNegativeMask);
        Assert.Null(unmasked.MaskTensor());
    }

    [Fact]
    public void ExamplesWithoutHardNegativesGiveAShortfall()
    {
        var examples = Enumerable.Range(0, 4).Select(i => Example($"q{i}", Doc("s", $"p{i}"))).ToList();
        var batch = new CtlBatchBuilder(0.5).Build(examples, new Random(0));
        Assert.Equal(2, batch.RequestedHardNegatives); // int(0.5 × 4)
        Assert.Equal(0, batch.HardNegatives);
        Assert.Equal(2, batch.MissingHardNegatives);
        Assert.Equal(4, batch.Candidates.Count);
        Assert.Equal(0, batch.MaskedCount); // four different passages
    }

    [Fact]
    public void SamplingIsThePartialFisherYatesOfTheDocumentedPool()
    {
        var golds = Enumerable.Range(0, 4).Select(i => Doc("g", $"gold {i}")).ToArray();
        var negatives = Enumerable.Range(0, 8).Select(i => Doc("n", $"negative {i}")).ToArray();
        var examples = Enumerable.Range(0, 4).Select(i => Example($"q{i}", golds[i], negatives[2 * i], negatives[2 * i + 1])).ToList();

        // pool = n0 … n7 in batch order; H = int(0.75 × 4) = 3; t = 0, 1, 2: j = Next(t, 8), swap.
        var pool = negatives.ToList();
        var reference = new Random(42);
        for (var t = 0; t < 3; t++)
        {
            var j = reference.Next(t, pool.Count);
            (pool[t], pool[j]) = (pool[j], pool[t]);
        }

        var random = new Random(42);
        var batch = new CtlBatchBuilder(0.75).Build(examples, random);
        Assert.Equal(pool.Take(3), batch.Candidates.Skip(4));
        Assert.Equal(reference.Next(), random.Next()); // exactly H numbers drawn

        var again = new CtlBatchBuilder(0.75).Build(examples, new Random(42));
        Assert.Equal(batch.Candidates, again.Candidates);
    }

    [Fact]
    public void FaireSamplingIsDeterministicForASeedAndVariesWithIt()
    {
        var examples = FaireTrain.Value.Take(40).ToList();
        var builder = new CtlBatchBuilder(0.2); // 8 of ~80 hard negatives
        IEnumerable<string> Negatives(int seed) => builder.Build(examples, new Random(seed)).Candidates.Skip(40).Select(d => d.FmtContent).ToList();
        Assert.Equal(8, Negatives(5).Count());
        Assert.Equal(Negatives(5), Negatives(5));
        Assert.NotEqual(Negatives(5), Negatives(6));
    }
}

using LocalRqa.Encoders;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using LocalRqa.Training.GradCache;
using TorchSharp;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.GradCache;

/// <summary>
/// GradCache (Gao et al. 2021) must give the parameter gradients of the plain step, dropout included: with the
/// same chunking, the same random state per chunk and so the same masks, the two differ only by float rounding.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class GradCacheStepTests : IDisposable
{
    const long Seed = 20210915;
    // Backward through a 2-layer encoder in other chunk shapes / grad modes: measured ≤ 3e-6 (AVX-512, AVX2, scalar);
    // 1e-4 of each parameter's largest gradient leaves a wide margin and still catches a wrong mask (≈1).
    const double GradientTolerance = 1e-4;

    /// <summary>
    /// The loss from embeddings that differ by float32 rounding (≲1e-6 relative), scores ×20 (1 / 0.05): its
    /// cross-entropy agrees to ~1e-6 relative; 1e-5 leaves a margin for other kernels.
    /// </summary>
    static void AssertSameLoss(float expected, float actual) =>
        Tolerance.Close(expected, actual, relative: 1e-5, what: "loss");

    static readonly string[] Queries =
    [
        "how do i reset my password?",
        "what is a faire showroom",
        "can retailers ship returns?",
        "order",
        "how do i order for my brand using my account, what is unable to ship?",
        "is the brand retailer showroom for you",
    ];

    static readonly string[] Documents =
    [
        "you can reset your password from your account.",
        "a showroom is where retailers order from a brand.",
        "retailers can ship returns to the brand.",
        "order using your account.",
        "brands ship to retailers; retailers can return an order for a brand using the faire account they order for.",
        "the brand is a retailer's showroom.",
        "faire",
        "what is a password? a password is for your account.",
        "unable to order? reset my account, then order for the brand you ship to!",
    ];

    readonly SentenceEncoder encoder;
    readonly TokenizedText[] queries;
    readonly TokenizedText[] documents;

    public GradCacheStepTests()
    {
        TorchRuntime.Initialize();
        encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean, Normalize = true });
        queries = encoder.Tokenize(Queries, PromptKind.None);
        documents = encoder.Tokenize(Documents, PromptKind.None);
    }

    public void Dispose() => encoder.Dispose();

    /// <summary>InfoNCE: query i's positive is document i, every other document is a negative.</summary>
    static Tensor InfoNce(Tensor q, Tensor d)
    {
        using var scope = NewDisposeScope();
        var scores = q.matmul(d.t()) / 0.05; // [B, C]
        var labels = arange(q.shape[0], dtype: ScalarType.Int64); // [B]
        return nn.functional.cross_entropy(scores, labels).MoveToOuterDisposeScope(); // []
    }

    /// <summary>Runs one step from a fixed random state on zeroed gradients; returns the loss and every gradient.</summary>
    (float Loss, Dictionary<string, float[]> Gradients) Step(Func<float> step)
    {
        using var scope = NewDisposeScope();
        encoder.Model.zero_grad();
        random.manual_seed(Seed);
        var loss = step();
        var gradients = encoder.Model.named_parameters().ToDictionary(
            p => p.name, p => p.parameter.grad is { } g ? g.contiguous().data<float>().ToArray() : new float[p.parameter.numel()]);
        return (loss, gradients);
    }

    float GradCache(int chunkSize, bool replay = true) =>
        GradCacheStep.Run(encoder, queries, documents, InfoNce, chunkSize, replay);

    float Plain(int chunkSize) => PlainStep.Run(encoder, queries, documents, InfoNce, chunkSize);

    /// <summary>
    /// Per parameter: max |a − b| over the max |a|, the worst over all parameters. The attention key biases have
    /// a gradient that is zero in exact arithmetic (softmax ignores a shift shared by a whole row of scores), so
    /// theirs is pure rounding noise; a parameter whose gradient is below 1e-6 of the model's largest is measured
    /// against that largest instead.
    /// </summary>
    static double MaxRelativeDifference(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        var largest = expected.Values.Max(g => g.Length == 0 ? 0 : g.Max(Math.Abs));
        var worst = 0.0;
        foreach (var (name, a) in expected)
        {
            var b = actual[name];
            var scale = a.Max(Math.Abs);
            var difference = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            worst = Math.Max(worst, difference / (scale >= 1e-6 * largest ? scale : largest));
        }
        return worst;
    }

    /// <summary>The unused pooler aside, every parameter gets a gradient: the comparison covers the whole encoder.</summary>
    static void AssertEveryEncoderParameterIsTrained(Dictionary<string, float[]> gradients)
    {
        foreach (var (name, g) in gradients)
            if (!name.StartsWith("pooler.", StringComparison.Ordinal)) Assert.True(g.Any(x => x != 0), name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(64)]
    public void WithDropoutGradientsAndLossEqualThePlainStep(int chunkSize)
    {
        encoder.Model.train();
        var plain = Step(() => Plain(chunkSize));
        var cached = Step(() => GradCache(chunkSize));

        AssertSameLoss(plain.Loss, cached.Loss);
        AssertEveryEncoderParameterIsTrained(plain.Gradients);
        Assert.InRange(MaxRelativeDifference(plain.Gradients, cached.Gradients), 0, GradientTolerance);
    }

    [Fact]
    public void WithoutRandomStateReplayDropoutMakesTheGradientsDiffer()
    {
        encoder.Model.train();
        var plain = Step(() => Plain(2));
        var unreplayed = Step(() => GradCache(2, replay: false));

        // Phase 1 matches the plain forward, so the loss still agrees; phase 3 drew other masks.
        AssertSameLoss(plain.Loss, unreplayed.Loss);
        Assert.True(MaxRelativeDifference(plain.Gradients, unreplayed.Gradients) > 100 * GradientTolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void WithoutDropoutChunkingChangesNothing(int chunkSize)
    {
        // In eval mode the chunk's padding is masked out everywhere, so any chunk size gives the one-pass gradients.
        encoder.Model.eval();
        var plain = Step(() => Plain(int.MaxValue));
        var cached = Step(() => GradCache(chunkSize));

        AssertSameLoss(plain.Loss, cached.Loss);
        Assert.InRange(MaxRelativeDifference(plain.Gradients, cached.Gradients), 0, GradientTolerance);
    }

    [Fact]
    public void TheStepLeavesTheRandomStateWhereThePlainStepDoes()
    {
        encoder.Model.train();
        using var scope = NewDisposeScope();
        Step(() => Plain(2));
        var afterPlain = rand(4).data<float>().ToArray();
        Step(() => GradCache(2));
        var afterCached = rand(4).data<float>().ToArray();
        Assert.Equal(afterPlain, afterCached); // bit-exact: the same generator state in one process
    }

    [Fact]
    public void NoNativeTensorsSurviveAStep()
    {
        encoder.Model.train();
        Step(() => GradCache(2)); // creates the parameters' .grad tensors
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var round = 0; round < 3; round++) GradCache(2);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void ALossThatIsNotAScalarIsRefused()
    {
        encoder.Model.train();
        var error = Assert.Throws<ArgumentException>(() => GradCacheStep.Run(encoder, queries, documents, (q, d) => q.matmul(d.t()), 2));
        Assert.Contains("one element", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradCacheStep.Run(encoder, queries, documents, InfoNce, 0));
    }
}

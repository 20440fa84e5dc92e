using LocalRqa.Encoders;
using LocalRqa.Inference;
using LocalRqa.Runtime;

namespace LocalRqa.Tests.Inference;

/// <summary>
/// An embedding pass through ONNX Runtime gives TorchSharp's embeddings, row for row in input order, for every
/// pooling, with and without normalisation, through a DCA projection, and for a model changed by training. The
/// session's graph uses ONNX Runtime's fused kernels and, for CLS pooling, a last layer for the first token only.
/// </summary>
public sealed class OnnxEncoderSessionTests
{
    public OnnxEncoderSessionTests() => TorchRuntime.Initialize();

    // Faire-like texts of very different lengths, so batches are length-sorted and padded, and one repeated text.
    static readonly string[] Texts =
    [
        "How do I reset my password?",
        string.Join(" ", Enumerable.Repeat("Retailers can return an opening order within 60 days if the products do not sell.", 8)),
        "What is a Faire showroom",
        "unable to order for my brand, you",
        "How do I reset my password?",
        string.Join(" ", Enumerable.Repeat("Net 60 payment terms apply to every order placed with a brand on Faire.", 3)),
    ];

    [Theory]
    [InlineData(PoolingType.Cls, true)]
    [InlineData(PoolingType.Mean, true)]
    [InlineData(PoolingType.Mean, false)]
    public void OnnxRuntimeEmbedsAsTorchSharp(PoolingType pooling, bool normalize)
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = pooling, Normalize = normalize, MaxLength = 64 });
        AssertEnginesAgree(encoder);
    }

    [Theory]
    [InlineData(PoolingType.Mean)]
    [InlineData(PoolingType.Cls)] // the graph's last layer then computes the first token only
    public void ThroughAProjectionAndAfterTraining(PoolingType pooling)
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = pooling, MaxLength = 64 });
        TorchSharp.torch.manual_seed(7);
        encoder.AddProjection(24);
        AssertEnginesAgree(encoder);
        var before = encoder.Encode(Texts, PromptKind.None, batchSize: 2);
        Assert.Equal(24, before[0].Length);

        // A training step changes the weights: the next pass must embed with the weights as they are now.
        using (TorchSharp.torch.no_grad())
            foreach (var parameter in encoder.Parameters()) parameter.add_(TorchSharp.torch.randn_like(parameter) * 0.05);
        encoder.Train(true);
        AssertEnginesAgree(encoder);
        Assert.True(encoder.Model.training, "a pass leaves the model in the mode it found it in");
        var after = encoder.Encode(Texts, PromptKind.None, batchSize: 2);
        Assert.True(Tolerance.MaxAbsDifference(before[0], after[0]) > 1e-3, "the second pass used the old weights");
    }

    static void AssertEnginesAgree(SentenceEncoder encoder)
    {
        encoder.Engine = InferenceEngine.Torch;
        var torch = encoder.Encode(Texts, PromptKind.None, batchSize: 2);
        encoder.Engine = InferenceEngine.OnnxRuntime;
        var onnx = encoder.Encode(Texts, PromptKind.None, batchSize: 2);
        Assert.Equal(Texts.Length, onnx.Length);
        for (var i = 0; i < Texts.Length; i++)
            // Same weights, same float32 arithmetic in another order (MLAS vs oneMKL, fused vs unfused attention): the
            // export parity tests measure differences near 2e-7 on values of order 1.
            Tolerance.SameEmbedding(torch[i], onnx[i], absolute: 1e-5, what: $"text {i}");
        // A repeated text is embedded once: its copies are equal arrays, as with TorchSharp.
        Assert.Equal(onnx[0], onnx[4]);
        // The same pass twice gives the same bytes (a persisted index is rebuilt identically).
        var again = encoder.Encode(Texts, PromptKind.None, batchSize: 2);
        for (var i = 0; i < Texts.Length; i++) Assert.Equal(onnx[i], again[i]);
    }
}

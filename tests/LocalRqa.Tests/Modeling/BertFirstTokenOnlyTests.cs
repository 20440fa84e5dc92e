using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>
/// The last layer for the first token only (CLS pooling) gives the first row of the full forward, and the same
/// gradients: only work whose result is thrown away is skipped.
/// </summary>
public sealed class BertFirstTokenOnlyTests
{
    public BertFirstTokenOnlyTests() => TorchRuntime.Initialize();

    [Fact]
    public void FirstTokenStateAndGradientsEqualTheFullForwards()
    {
        using var model = BertModel.FromPretrained(TestPaths.Fixture("bert-tiny"));
        model.train(false); // no dropout: both passes must compute the same function
        manual_seed(3);
        using var ids = randint(5, 38, [3, 9], dtype: ScalarType.Int64); // bert-tiny has 38 tokens
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, 3, 9); // padded rows

        Tensor Run(bool firstTokenOnly, out Tensor[] gradients)
        {
            model.zero_grad();
            var first = model.forward(ids, mask, null, firstTokenOnly)[.., 0]; // [B, H]
            first.pow(2).sum().backward(); // any loss on the first token's state
            gradients = model.parameters().Select(p => p.grad is null ? zeros(1) : p.grad.clone()).ToArray();
            return first.detach();
        }

        var full = Run(false, out var fullGradients);
        var only = Run(true, out var onlyGradients);
        Assert.Equal([3, 1, 48], model.forward(ids, mask, null, firstTokenOnly: true).shape.Select(s => (int)s).ToArray());
        // The same float32 sums over other matrix shapes: BLAS blocks them differently, so the last bits may differ
        // (values and gradients of order 1; measured differences under 1e-6).
        Tolerance.Close(full.data<float>().ToArray(), only.data<float>().ToArray(), relative: 1e-5, absolute: 1e-5, what: "first token state");
        for (var i = 0; i < fullGradients.Length; i++)
            Tolerance.Close(fullGradients[i].data<float>().ToArray(), onlyGradients[i].data<float>().ToArray(), relative: 1e-4, absolute: 1e-5, what: $"gradient {i}");
    }
}

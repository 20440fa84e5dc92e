using LocalRqa.BuiltIn;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>
/// The strongest check of the mapping: a plain BERT forward pass over the converted weights reproduces
/// what OnnxRuntime computes from the original graph (a swapped q/k, a missing transpose or a wrong bias
/// would all show up here).
/// </summary>
public class BuiltInOnnxEquivalenceTests(BuiltInGraphsFixture fixture) : IClassFixture<BuiltInGraphsFixture>
{
    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void ConvertedWeightsReproduceTheOnnxOutput(string hubId)
    {
        var model = BuiltInModels.Find(hubId)!;
        var (_, conversion) = fixture.Load(model);
        long[] ids = [101, 7592, 2088, 1010, 2023, 2003, 1037, 3231, 102]; // [CLS] hello world , this is a test [SEP]

        var expected = RunOnnx(model, ids);
        var actual = new ReferenceBert(conversion.StateDict, model.Config, conversion.GraphLayerNormEps ?? model.Config.LayerNormEps).LastHiddenState(ids);

        var maxDiff = 0f;
        for (var t = 0; t < ids.Length; t++)
            for (var d = 0; d < model.Config.HiddenSize; d++)
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[t * model.Config.HiddenSize + d] - actual[t][d]));
        Assert.True(maxDiff < 2e-3f, $"max |difference| {maxDiff}");
    }

    private static float[] RunOnnx(BuiltInModel model, long[] ids)
    {
        using var stream = EmbeddedResourceLocator.Open(BuiltInModels.LocateAssembly(model), model.OnnxResourceName, out var length);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        using var session = new InferenceSession(bytes);
        int[] shape = [1, ids.Length];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(ids.Select(_ => 1L).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        };
        using var results = session.Run(inputs);
        return results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
    }
}

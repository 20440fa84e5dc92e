using LocalRqa.BuiltIn;
using LocalRqa.Checkpoints;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>
/// A naive float BertModel forward pass over an HF state dict (one sequence, no padding), used only to
/// check that converted weights reproduce the ONNX model's output.
/// </summary>
internal sealed class ReferenceBert(IReadOnlyDictionary<string, HostTensor> weights, BuiltInBertConfig config, double eps)
{
    private readonly Dictionary<string, float[]> _cache = new();

    private float[] W(string name) => _cache.TryGetValue(name, out var w) ? w : _cache[name] = weights[name].ToFloats();

    public float[][] LastHiddenState(long[] inputIds)
    {
        var h = config.HiddenSize;
        var x = new float[inputIds.Length][];
        for (var t = 0; t < inputIds.Length; t++)
        {
            x[t] = new float[h];
            for (var k = 0; k < h; k++)
                x[t][k] = W("embeddings.word_embeddings.weight")[inputIds[t] * h + k]
                          + W("embeddings.position_embeddings.weight")[t * h + k]
                          + W("embeddings.token_type_embeddings.weight")[k];
            LayerNorm(x[t], "embeddings.LayerNorm");
        }
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
            x = Layer(x, $"encoder.layer.{layer}.");
        return x;
    }

    private float[][] Layer(float[][] x, string p)
    {
        int n = x.Length, heads = config.NumAttentionHeads, dh = config.HiddenSize / heads;
        var q = x.Select(v => Linear(v, p + "attention.self.query")).ToArray();
        var k = x.Select(v => Linear(v, p + "attention.self.key")).ToArray();
        var v = x.Select(r => Linear(r, p + "attention.self.value")).ToArray();
        var context = Enumerable.Range(0, n).Select(_ => new float[config.HiddenSize]).ToArray();
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < n; i++)
            {
                var scores = new double[n];
                for (var j = 0; j < n; j++)
                {
                    double s = 0;
                    for (var d = 0; d < dh; d++) s += q[i][head * dh + d] * k[j][head * dh + d];
                    scores[j] = s / Math.Sqrt(dh);
                }
                var max = scores.Max();
                var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = exp.Sum();
                for (var d = 0; d < dh; d++)
                    context[i][head * dh + d] = (float)Enumerable.Range(0, n).Sum(j => exp[j] / sum * v[j][head * dh + d]);
            }
        }
        var attention = new float[n][];
        var output = new float[n][];
        for (var i = 0; i < n; i++)
        {
            attention[i] = Linear(context[i], p + "attention.output.dense");
            for (var d = 0; d < attention[i].Length; d++) attention[i][d] += x[i][d];
            LayerNorm(attention[i], p + "attention.output.LayerNorm");
            var inter = Linear(attention[i], p + "intermediate.dense").Select(Gelu).ToArray();
            output[i] = Linear(inter, p + "output.dense");
            for (var d = 0; d < output[i].Length; d++) output[i][d] += attention[i][d];
            LayerNorm(output[i], p + "output.LayerNorm");
        }
        return output;
    }

    /// <summary>nn.Linear: y = x Wᵀ + b with W stored [out, in].</summary>
    private float[] Linear(float[] x, string module)
    {
        var w = W(module + ".weight");
        var b = W(module + ".bias");
        var y = new float[b.Length];
        for (var o = 0; o < y.Length; o++)
        {
            double s = b[o];
            for (var i = 0; i < x.Length; i++) s += w[o * x.Length + i] * x[i];
            y[o] = (float)s;
        }
        return y;
    }

    private void LayerNorm(float[] x, string module)
    {
        var mean = x.Average(v => (double)v);
        var variance = x.Average(v => (v - mean) * (v - mean));
        var g = W(module + ".weight");
        var b = W(module + ".bias");
        for (var i = 0; i < x.Length; i++) x[i] = (float)((x[i] - mean) / Math.Sqrt(variance + eps) * g[i] + b[i]);
    }

    private static float Gelu(float x) => (float)(0.5 * x * (1 + Erf(x / Math.Sqrt(2))));

    /// <summary>Abramowitz and Stegun 7.1.26 (error below 1.5e-7), enough for a 1e-3 comparison.</summary>
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}

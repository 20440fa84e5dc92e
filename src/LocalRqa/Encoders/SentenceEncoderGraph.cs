using LocalRqa.Checkpoints;
using LocalRqa.Onnx;
using LocalRqa.Modeling.Bert;
using LocalRqa.Onnx.Schema;

namespace LocalRqa.Encoders;

/// <summary>
/// A <see cref="SentenceEncoder"/> as an ONNX graph, from its own parameters: BERT's embeddings and encoder layers
/// (as <see cref="BertModel"/> computes them), the token projection when there is one, then optionally the pooling
/// and normalisation of its settings. Inputs input_ids, attention_mask, token_type_ids [batch, sequence] int64;
/// outputs last_hidden_state [batch, sequence, D] (after the projection: the token states pooling reads, so
/// sentence-transformers' Pooling module on it gives the model's embeddings) and sentence_embedding [batch, D].
/// </summary>
internal static class SentenceEncoderGraph
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string LastHiddenState = "last_hidden_state";
    public const string SentenceEmbedding = "sentence_embedding";
    /// <summary>The opset of embedding passes: LayerNormalization is an operator from 17 on, one fused kernel instead of seven.</summary>
    public const int InferenceOpset = 17;
    /// <summary>One ONNX file (protobuf) holds at most 2 GB; rqa writes no external data.</summary>
    public const long MaximumWeightBytes = 2_000_000_000;
    const string Batch = "batch_size";
    const string Sequence = "sequence_length";

    /// <summary>torch.nn.functional.normalize's eps; sentence-transformers' mean pooling clamps the token count at 1e-9.</summary>
    const float NormalizeEpsilon = 1e-12f;
    const float MinimumTokenCount = 1e-9f;
    /// <summary>torch.nn.LayerNorm's default eps, which the DCA projection's LayerNorm uses (<see cref="TokenProjection"/>).</summary>
    const float ProjectionLayerNormEpsilon = 1e-5f;

    /// <param name="onnxRuntimeKernels">
    /// ONNX Runtime's fused kernels (com.microsoft): self-attention as Attention (query, key and value in one product,
    /// no transposes), bias + residual + LayerNorm as SkipLayerNormalization. Faster, but the graph then runs in ONNX
    /// Runtime only: for rqa's own passes, not for exports. With CLS pooling in the graph, the last layer then
    /// computes the first token's state only (keys and values still come from every token): every operation after
    /// the attention scores acts on each token alone, so the other tokens' last states would be thrown away. The
    /// graph has no last_hidden_state output then.
    /// </param>
    public static OnnxGraphBuilder Build(SentenceEncoder encoder, int opset, bool poolingInGraph, bool onnxRuntimeKernels = false)
    {
        var config = encoder.Model.Config;
        var graph = new OnnxGraphBuilder("sentence_encoder", opset);
        var weights = new GraphWeights(graph, StateDictLoader.ToHost(encoder.Model));
        var inputIds = graph.Input(InputIds, TensorProto.Types.DataType.Int64, Batch, Sequence);
        var attentionMask = graph.Input(AttentionMask, TensorProto.Types.DataType.Int64, Batch, Sequence);
        // BERT always has token type embeddings; the encoder feeds zeros, as HF's tokenizers do for one text.
        var tokenTypeIds = graph.Input(TokenTypeIds, TensorProto.Types.DataType.Int64, Batch, Sequence);

        var hidden = Embeddings(graph, weights, config, inputIds, tokenTypeIds);
        var mask = graph.Node("Cast", [attentionMask], "mask", OnnxGraphBuilder.Attribute("to", (long)TensorProto.Types.DataType.Float)); // [B, T]
        // The fused kernel reads the 0/1 mask itself (int32); the standard operators add a bias to the scores.
        var bias = onnxRuntimeKernels
            ? graph.Node("Cast", [attentionMask], "mask_index", OnnxGraphBuilder.Attribute("to", (long)TensorProto.Types.DataType.Int32)) // [B, T]
            : AttentionBias(graph, mask);
        var clsOnly = onnxRuntimeKernels && poolingInGraph && encoder.Settings.Pooling == PoolingType.Cls;
        var layers = config.NumHiddenLayers;
        for (var layer = 0; layer < (clsOnly ? layers - 1 : layers); layer++)
            hidden = Layer(graph, weights, config, $"encoder.layer.{layer}", hidden, bias, onnxRuntimeKernels);
        if (clsOnly) hidden = LastLayerForFirstToken(graph, weights, config, $"encoder.layer.{layers - 1}", hidden, AttentionBias(graph, mask)); // [B, H]
        weights.RequireAllUsed(except: "pooler.");

        if (encoder.Projection is { } projection)
        {
            var projectionWeights = new GraphWeights(graph, StateDictLoader.ToHost(projection), prefix: $"{TokenProjection.Folder}.");
            hidden = Linear(graph, projectionWeights, "linear", hidden); // [B, T, D]
            hidden = graph.LayerNorm(hidden, projectionWeights.Vector("norm.weight"), projectionWeights.Vector("norm.bias"),
                ProjectionLayerNormEpsilon, $"{TokenProjection.Folder}.norm");
            projectionWeights.RequireAllUsed(except: null);
        }
        if (!clsOnly) graph.Output(hidden, LastHiddenState, TensorProto.Types.DataType.Float, Batch, Sequence, encoder.Dimension);

        if (poolingInGraph)
        {
            var pooled = clsOnly ? hidden : encoder.Settings.Pooling == PoolingType.Cls ? ClsPooling(graph, hidden) : MeanPooling(graph, hidden, mask);
            if (encoder.Settings.Normalize) pooled = Normalize(graph, pooled);
            graph.Output(pooled, SentenceEmbedding, TensorProto.Types.DataType.Float, Batch, encoder.Dimension);
        }
        return graph;
    }

    /// <summary>Word + position + token type embeddings (added in <see cref="BertEmbeddings"/>' order), then LayerNorm: [B, T, H].</summary>
    static string Embeddings(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string inputIds, string tokenTypeIds)
    {
        var words = graph.Node("Gather", [weights.Table("embeddings.word_embeddings.weight"), inputIds], "embeddings.words"); // [B, T, H]
        // Positions 0..T-1: the first T rows of the position table, T read from the input's shape.
        var length = graph.Node("Gather", [graph.Node("Shape", [inputIds], "embeddings.input_shape"), graph.Int64s("embeddings.sequence_axis", 1)],
            "embeddings.length"); // [1]
        var positions = graph.Node("Slice", [weights.Table("embeddings.position_embeddings.weight"), graph.Int64s("embeddings.zero", 0), length,
            graph.Int64s("embeddings.rows", 0)], "embeddings.positions"); // [T, H]
        var types = graph.Node("Gather", [weights.Table("embeddings.token_type_embeddings.weight"), tokenTypeIds], "embeddings.token_types"); // [B, T, H]
        var sum = graph.Node("Add", [graph.Node("Add", [words, positions], "embeddings.words_positions"), types], "embeddings.sum");
        return LayerNorm(graph, weights, config, "embeddings.LayerNorm", sum);
    }

    /// <summary>[B, T] float mask → [B, 1, 1, T] additive bias: 0 to attend, float32's minimum to ignore (as <see cref="BertModel"/>).</summary>
    static string AttentionBias(OnnxGraphBuilder graph, string mask)
    {
        var ignored = graph.Node("Sub", [graph.Scalar("attention.one", 1f), mask], "attention.ignored"); // [B, T]
        var bias = graph.Node("Mul", [ignored, graph.Scalar("attention.float_min", float.MinValue)], "attention.bias_2d");
        return graph.Unsqueeze(bias, "attention.bias", 1, 2);
    }

    /// <summary>One post-LayerNorm encoder block: self-attention, its output block, the feed-forward and its output block.</summary>
    static string Layer(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string hidden, string bias, bool onnxRuntimeKernels)
    {
        var context = onnxRuntimeKernels
            ? FusedSelfAttention(graph, weights, config, $"{name}.attention.self", hidden, bias)
            : SelfAttention(graph, weights, config, $"{name}.attention.self", hidden, bias);
        var attended = onnxRuntimeKernels
            ? FusedResidualOutput(graph, weights, config, $"{name}.attention.output", context, hidden)
            : ResidualOutput(graph, weights, config, $"{name}.attention.output", context, hidden);
        var intermediate = Activation(graph, config.HiddenAct, Linear(graph, weights, $"{name}.intermediate.dense", attended), $"{name}.intermediate");
        return onnxRuntimeKernels
            ? FusedResidualOutput(graph, weights, config, $"{name}.output", intermediate, attended)
            : ResidualOutput(graph, weights, config, $"{name}.output", intermediate, attended);
    }

    /// <summary>softmax(q·kᵀ/√d + bias)·v per head, heads concatenated: [B, T, H].</summary>
    /// <param name="queries">the states the queries come from, when not every token's (<paramref name="hidden"/>): [B, S, H] → output [B, S, H]</param>
    static string SelfAttention(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string hidden, string bias, string? queries = null)
    {
        var heads = config.NumAttentionHeads;
        var headSize = config.HeadSize;
        // Reshape's 0 copies the input's size: [B, T, H] → [B, T, h, d] whatever B and T are.
        var split = graph.Int64s($"{name}.split_heads", 0, 0, heads, headSize);
        string Heads(string projection, string input, params long[] permutation) => graph.Node("Transpose",
            [graph.Node("Reshape", [Linear(graph, weights, $"{name}.{projection}", input), split], $"{name}.{projection}.heads")],
            $"{name}.{projection}.transposed", OnnxGraphBuilder.Attribute("perm", permutation));
        var query = Heads("query", queries ?? hidden, 0, 2, 1, 3); // [B, h, S, d]
        var key = Heads("key", hidden, 0, 2, 3, 1); // [B, h, d, T]
        var value = Heads("value", hidden, 0, 2, 1, 3); // [B, h, T, d]
        var scores = graph.Node("MatMul", [query, key], $"{name}.scores"); // [B, h, T, T]
        var scaled = graph.Node("Mul", [scores, graph.Scalar($"{name}.scale", 1f / MathF.Sqrt(headSize))], $"{name}.scaled");
        var masked = graph.Node("Add", [scaled, bias], $"{name}.masked");
        var probabilities = graph.Node("Softmax", [masked], $"{name}.probabilities", OnnxGraphBuilder.Attribute("axis", -1L));
        var context = graph.Node("MatMul", [probabilities, value], $"{name}.context"); // [B, h, T, d]
        var merged = graph.Node("Transpose", [context], $"{name}.context.transposed", OnnxGraphBuilder.Attribute("perm", 0L, 2L, 1L, 3L)); // [B, T, h, d]
        return graph.Node("Reshape", [merged, graph.Int64s($"{name}.merge_heads", 0, 0, heads * headSize)], $"{name}.output"); // [B, T, H]
    }

    /// <summary>
    /// The last encoder block for the first token only (what CLS pooling reads): its query against every token's
    /// keys and values, then the output block and the feed-forward on that one row: [B, T, H] → [B, H].
    /// </summary>
    static string LastLayerForFirstToken(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string hidden, string floatBias)
    {
        var first = graph.Node("Slice", [hidden, graph.Int64s($"{name}.first.start", 0), graph.Int64s($"{name}.first.end", 1),
            graph.Int64s($"{name}.first.axis", 1)], $"{name}.first"); // [B, 1, H]
        var context = SelfAttention(graph, weights, config, $"{name}.attention.self", hidden, floatBias, queries: first); // [B, 1, H]
        var attended = FusedResidualOutput(graph, weights, config, $"{name}.attention.output", context, first);
        var intermediate = Activation(graph, config.HiddenAct, Linear(graph, weights, $"{name}.intermediate.dense", attended), $"{name}.intermediate");
        var output = FusedResidualOutput(graph, weights, config, $"{name}.output", intermediate, attended); // [B, 1, H]
        return graph.Node("Reshape", [output, graph.Int64s($"{name}.drop_token_axis", 0, config.HiddenSize)], $"{name}.first_token"); // [B, H]
    }

    /// <summary>
    /// The same attention as ONNX Runtime's com.microsoft Attention node: weights [H, 3H] (query, key, value side by
    /// side), biases [3H], the int32 0/1 mask [B, T] (masked keys get −10000 before the softmax, which float32's
    /// exp turns into exactly 0, as our float minimum does): [B, T, H].
    /// </summary>
    static string FusedSelfAttention(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string hidden, string maskIndex)
    {
        string[] parts = ["query", "key", "value"];
        var qkv = weights.TransposedSideBySide($"{name}.qkv.weight.T", parts.Select(p => $"{name}.{p}.weight").ToArray());
        var qkvBias = weights.Concatenated($"{name}.qkv.bias", parts.Select(p => $"{name}.{p}.bias").ToArray());
        return graph.OnnxRuntimeNode("Attention", [hidden, qkv, qkvBias, maskIndex], $"{name}.output",
            OnnxGraphBuilder.Attribute("num_heads", (long)config.NumAttentionHeads));
    }

    /// <summary>LayerNorm(dense(input) + residual), as <see cref="BertResidualOutput"/>.</summary>
    static string ResidualOutput(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string input, string residual)
    {
        var sum = graph.Node("Add", [Linear(graph, weights, $"{name}.dense", input), residual], $"{name}.residual");
        return LayerNorm(graph, weights, config, $"{name}.LayerNorm", sum);
    }

    /// <summary>The same as one com.microsoft SkipLayerNormalization node: LayerNorm(input·Wᵀ + residual + b) in one pass.</summary>
    static string FusedResidualOutput(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string input, string residual)
    {
        var product = graph.Node("MatMul", [input, weights.Transposed($"{name}.dense.weight")], $"{name}.dense.matmul");
        return graph.OnnxRuntimeNode("SkipLayerNormalization",
            [product, residual, weights.Vector($"{name}.LayerNorm.weight"), weights.Vector($"{name}.LayerNorm.bias"), weights.Vector($"{name}.dense.bias")],
            $"{name}.LayerNorm", OnnxGraphBuilder.Attribute("epsilon", (float)config.LayerNormEps));
    }

    static string LayerNorm(OnnxGraphBuilder graph, GraphWeights weights, BertConfig config, string name, string input) =>
        graph.LayerNorm(input, weights.Vector($"{name}.weight"), weights.Vector($"{name}.bias"), (float)config.LayerNormEps, name);

    /// <summary>x·Wᵀ + b, with W [out, in] stored transposed as MatMul's [in, out] right operand.</summary>
    static string Linear(OnnxGraphBuilder graph, GraphWeights weights, string name, string input)
    {
        var product = graph.Node("MatMul", [input, weights.Transposed($"{name}.weight")], $"{name}.matmul");
        return graph.Node("Add", [product, weights.Vector($"{name}.bias")], name);
    }

    /// <summary>transformers' activations by config name: "gelu" exact (erf), the tanh GELUs, ReLU, SiLU.</summary>
    static string Activation(OnnxGraphBuilder graph, string name, string x, string output)
    {
        switch (name)
        {
            case "gelu":
            {
                // 0.5·x·(1 + erf(x/√2))
                var erf = graph.Node("Erf", [graph.Node("Div", [x, graph.Scalar($"{output}.sqrt2", MathF.Sqrt(2f))], $"{output}.scaled")], $"{output}.erf");
                return HalfTimesOnePlus(graph, x, erf, output);
            }
            case "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast":
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                var cube = graph.Node("Mul", [graph.Node("Mul", [x, x], $"{output}.square"), x], $"{output}.cube");
                var inner = graph.Node("Add", [x, graph.Node("Mul", [cube, graph.Scalar($"{output}.c", 0.044715f)], $"{output}.cubic")], $"{output}.inner");
                var scaled = graph.Node("Mul", [inner, graph.Scalar($"{output}.sqrt_2_over_pi", MathF.Sqrt(2f / MathF.PI))], $"{output}.scaled");
                return HalfTimesOnePlus(graph, x, graph.Node("Tanh", [scaled], $"{output}.tanh"), output);
            }
            case "relu":
                return graph.Node("Relu", [x], output);
            case "silu" or "swish":
                return graph.Node("Mul", [x, graph.Node("Sigmoid", [x], $"{output}.sigmoid")], output);
            default:
                throw new RqaException($"hidden_act '{name}' has no ONNX export (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish)");
        }
    }

    static string HalfTimesOnePlus(OnnxGraphBuilder graph, string x, string t, string output)
    {
        var onePlus = graph.Node("Add", [t, graph.Scalar($"{output}.one", 1f)], $"{output}.one_plus");
        var half = graph.Node("Mul", [x, graph.Scalar($"{output}.half", 0.5f)], $"{output}.half_x");
        return graph.Node("Mul", [half, onePlus], output);
    }

    /// <summary>The first token's state: [B, T, D] → [B, D] (a scalar index drops the axis).</summary>
    static string ClsPooling(OnnxGraphBuilder graph, string hidden) =>
        graph.Node("Gather", [hidden, graph.Int64Scalar("pooling.first", 0)], "pooling.cls", OnnxGraphBuilder.Attribute("axis", 1L));

    /// <summary>Σ mask·h / max(Σ mask, 1e-9) over tokens, as <see cref="Pooling.Pool"/> and sentence-transformers: [B, D].</summary>
    static string MeanPooling(OnnxGraphBuilder graph, string hidden, string mask)
    {
        var weights = graph.Unsqueeze(mask, "pooling.mask", 2); // [B, T, 1]
        var sum = graph.ReduceSum(graph.Node("Mul", [hidden, weights], "pooling.masked"), "pooling.sum", keepDims: false, 1); // [B, D]
        var count = graph.ReduceSum(weights, "pooling.count", keepDims: false, 1); // [B, 1]
        var clamped = graph.Node("Max", [count, graph.Scalar("pooling.min_count", MinimumTokenCount)], "pooling.clamped");
        return graph.Node("Div", [sum, clamped], "pooling.mean");
    }

    /// <summary>x / max(‖x‖₂, 1e-12) per row, as torch.nn.functional.normalize: [B, D].</summary>
    static string Normalize(OnnxGraphBuilder graph, string pooled)
    {
        var squares = graph.ReduceSum(graph.Node("Mul", [pooled, pooled], "normalize.squares"), "normalize.sum", keepDims: true, 1); // [B, 1]
        var norm = graph.Node("Max", [graph.Node("Sqrt", [squares], "normalize.norm"), graph.Scalar("normalize.eps", NormalizeEpsilon)], "normalize.clamped");
        return graph.Node("Div", [pooled, norm], "normalize.output");
    }
}

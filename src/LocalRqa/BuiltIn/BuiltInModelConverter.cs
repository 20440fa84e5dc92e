using LocalRqa.Checkpoints;
using LocalRqa.Modeling.Bert;
using LocalRqa.Onnx;

namespace LocalRqa.BuiltIn;

/// <summary>
/// Recovers a HuggingFace BertModel state dict from a PyTorch ONNX export. Exporters keep HF names for
/// tensors used as-is (embeddings, biases, LayerNorm) but constant-fold each nn.Linear weight into a
/// transposed [in, out] copy with a generated name (onnx::MatMul_788, or a bare number in older torch),
/// so those are identified through the graph: the bias Add that follows their MatMul, else the node's
/// scope name (/encoder/layer.0/attention/self/query/MatMul).
/// </summary>
internal static class BuiltInModelConverter
{
    /// <summary>The parameters of HF BertModel for <paramref name="config"/>, in state-dict order.</summary>
    public static IReadOnlyList<KeyValuePair<string, long[]>> ExpectedParameters(BertConfig config, bool withPooler)
    {
        long h = config.HiddenSize, i = config.IntermediateSize;
        var list = new List<KeyValuePair<string, long[]>>();
        void Add(string name, params long[] shape) => list.Add(new(name, shape));
        Add("embeddings.word_embeddings.weight", config.VocabSize, h);
        Add("embeddings.position_embeddings.weight", config.MaxPositionEmbeddings, h);
        Add("embeddings.token_type_embeddings.weight", config.TypeVocabSize, h);
        Add("embeddings.LayerNorm.weight", h);
        Add("embeddings.LayerNorm.bias", h);
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var p = $"encoder.layer.{layer}.";
            foreach (var qkv in new[] { "query", "key", "value" })
            {
                Add(p + $"attention.self.{qkv}.weight", h, h);
                Add(p + $"attention.self.{qkv}.bias", h);
            }
            Add(p + "attention.output.dense.weight", h, h);
            Add(p + "attention.output.dense.bias", h);
            Add(p + "attention.output.LayerNorm.weight", h);
            Add(p + "attention.output.LayerNorm.bias", h);
            Add(p + "intermediate.dense.weight", i, h);
            Add(p + "intermediate.dense.bias", i);
            Add(p + "output.dense.weight", h, i);
            Add(p + "output.dense.bias", h);
            Add(p + "output.LayerNorm.weight", h);
            Add(p + "output.LayerNorm.bias", h);
        }
        if (withPooler)
        {
            Add("pooler.dense.weight", h, h);
            Add("pooler.dense.bias", h);
        }
        return list;
    }

    public static BuiltInConversion Convert(OnnxGraph graph, BertConfig config)
    {
        var mapper = new Mapper(graph, ExpectedParameters(config, withPooler: true).ToDictionary(p => p.Key, p => p.Value));
        mapper.MapAll();

        var hasPooler = mapper.Sources.Keys.Any(k => k.StartsWith("pooler.", StringComparison.Ordinal));
        var expected = ExpectedParameters(config, hasPooler);
        var missing = expected.Where(p => !mapper.Sources.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        if (missing.Count > 0)
            throw new RqaException($"ONNX graph '{graph.Name}' lacks BertModel parameters: {string.Join(", ", missing)}");

        var unmapped = mapper.UnusedWeightLikeInitializers().ToList();
        if (unmapped.Count > 0)
            throw new RqaException($"ONNX graph '{graph.Name}' has weights that match no BertModel parameter: {string.Join(", ", unmapped)}");

        var stateDict = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var badShapes = new List<string>();
        foreach (var (name, shape) in expected)
        {
            var source = mapper.Sources[name];
            var tensor = mapper.Initializer(source.OnnxName);
            var dims = source.Transposed ? tensor.Dims.Reverse().ToArray() : tensor.Dims;
            if (!dims.SequenceEqual(shape))
            {
                badShapes.Add($"{name} is [{string.Join(", ", dims)}] (from {source.OnnxName}), config says [{string.Join(", ", shape)}]");
                continue;
            }
            stateDict[name] = ToFloat32(tensor, source.Transposed);
        }
        if (badShapes.Count > 0)
            throw new RqaException("ONNX weights are inconsistent with the model's config.json: " + string.Join("; ", badShapes));

        CheckActivation(graph, config);
        return new BuiltInConversion(stateDict, mapper.Sources, FindLayerNormEps(graph), hasPooler);
    }

    private static HostTensor ToFloat32(OnnxTensor tensor, bool transpose)
    {
        var host = tensor.ToHostTensor();
        if (!transpose)
            return host.DType == StoredDType.F32 ? host with { Shape = (long[])host.Shape.Clone() } : HostTensor.FromFloats(host.ToFloats(), host.Shape);
        if (tensor.Dims.Length != 2) throw new InvalidOperationException($"cannot transpose {tensor.Name} of shape {tensor.ShapeText}");
        var rows = (int)tensor.Dims[0];
        var cols = (int)tensor.Dims[1];
        var src = host.ToFloats();
        var dst = new float[src.Length];
        // [in, out] (MatMul operand) -> [out, in] (nn.Linear.weight)
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                dst[c * rows + r] = src[r * cols + c];
        return HostTensor.FromFloats(dst, cols, rows);
    }

    /// <summary>
    /// The LayerNorm epsilon the graph uses: a LayerNormalization node's attribute, or in the decomposed form
    /// (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div) the constant added just before Sqrt.
    /// </summary>
    public static double? FindLayerNormEps(OnnxGraph graph)
    {
        var values = new List<float>();
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var output in node.Outputs) producers[output] = node;
        var initializers = graph.Initializers.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());

        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "LayerNormalization")
            {
                values.Add(node.Attribute("epsilon")?.Float ?? 1e-5f); // ONNX's default epsilon
            }
            else if (node.OpType == "Sqrt" && producers.TryGetValue(node.Inputs[0], out var add) && add.OpType == "Add"
                     && add.Inputs.Any(x => producers.TryGetValue(x, out var p) && p.OpType == "ReduceMean"))
            {
                foreach (var input in add.Inputs)
                {
                    var scalar = producers.TryGetValue(input, out var p) && p.OpType == "Constant" ? p.Attribute("value")?.Tensor
                        : initializers.GetValueOrDefault(input);
                    if (scalar is { DataType: OnnxDataType.Float, ElementCount: 1 })
                        values.Add(BitConverter.ToSingle(scalar.Data, 0));
                }
            }
        }
        if (values.Count == 0) return null;
        if (values.Distinct().Count() > 1)
            throw new RqaException($"ONNX graph '{graph.Name}' uses several LayerNorm epsilons: {string.Join(", ", values.Distinct())}");
        // Round-trip through the shortest float text so 1e-12f reads back as 1e-12, not 9.99999996e-13.
        return double.Parse(values[0].ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void CheckActivation(OnnxGraph graph, BertConfig config)
    {
        // Exact gelu exports as Erf (or a fused Gelu); one per layer.
        if (config.HiddenAct != "gelu") return;
        var count = graph.Nodes.Count(n => n.OpType is "Erf" or "Gelu");
        if (count != config.NumHiddenLayers)
            throw new RqaException($"ONNX graph '{graph.Name}' has {count} Erf/Gelu nodes, but config.json says {config.NumHiddenLayers} layers with gelu");
    }

    /// <summary>Identifies initializers; one instance per conversion.</summary>
    private sealed class Mapper
    {
        private readonly OnnxGraph graph;
        private readonly IReadOnlyDictionary<string, long[]> universe;
        private readonly Dictionary<string, OnnxTensor> initializers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(OnnxNode Node, int Index)>> consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxNode> producers = new(StringComparer.Ordinal);

        public Dictionary<string, BuiltInParameterSource> Sources { get; } = new(StringComparer.Ordinal);

        public Mapper(OnnxGraph graph, IReadOnlyDictionary<string, long[]> universe)
        {
            this.graph = graph;
            this.universe = universe;
            foreach (var t in graph.Initializers)
                if (!initializers.TryAdd(t.Name, t)) throw new RqaException($"ONNX graph has two initializers named '{t.Name}'");
            foreach (var node in graph.Nodes)
            {
                for (var k = 0; k < node.Inputs.Count; k++)
                {
                    if (!consumers.TryGetValue(node.Inputs[k], out var list)) consumers[node.Inputs[k]] = list = [];
                    list.Add((node, k));
                }
                foreach (var output in node.Outputs) producers[output] = node;
            }
        }

        public OnnxTensor Initializer(string name) => initializers[name];

        public void MapAll()
        {
            // 1. Tensors exported under their HF name.
            foreach (var t in graph.Initializers)
            {
                var hf = HfName(t.Name);
                if (hf is not null && universe.ContainsKey(hf))
                    Assign(hf, t.Name, DirectWeightNeedsTranspose(t.Name), "HF name");
            }

            foreach (var node in graph.Nodes)
            {
                switch (node.OpType)
                {
                    case "MatMul" or "Gemm": MapLinear(node); break;
                    case "Gather": MapEmbedding(node); break;
                    case "LayerNormalization": MapLayerNorm(node, 1, ".weight"); MapLayerNorm(node, 2, ".bias"); break;
                    case "Mul" when ScopeEndsWithLayerNorm(node): MapLayerNormOperand(node, ".weight"); break;
                    case "Add" when ScopeEndsWithLayerNorm(node): MapLayerNormOperand(node, ".bias"); break;
                }
            }
        }

        /// <summary>Float initializers that look like weights but were not mapped: matrices, or HF-named tensors.</summary>
        public IEnumerable<string> UnusedWeightLikeInitializers()
        {
            var used = Sources.Values.Select(s => s.OnnxName).ToHashSet(StringComparer.Ordinal);
            return graph.Initializers
                .Where(t => t.DataType is OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Double)
                .Where(t => !used.Contains(t.Name))
                .Where(t => t.Dims.Length >= 2 || HfName(t.Name) is { } hf && (hf.StartsWith("embeddings.") || hf.StartsWith("encoder.") || hf.StartsWith("pooler.")))
                .Select(t => $"{t.Name} {t.ShapeText}");
        }

        private void MapLinear(OnnxNode node)
        {
            if (node.Inputs.Count < 2) return;
            // The weight operand: an initializer, or Transpose(initializer) which is already [out, in].
            string weight;
            bool transpose;
            if (IsUnnamedInitializer(node.Inputs[1]))
            {
                weight = node.Inputs[1];
                transpose = node.OpType == "MatMul" || node.Attribute("transB")?.Int != 1;
            }
            else if (producers.TryGetValue(node.Inputs[1], out var tr) && tr.OpType == "Transpose" && IsUnnamedInitializer(tr.Inputs[0]))
            {
                weight = tr.Inputs[0];
                transpose = node.OpType == "Gemm" && node.Attribute("transB")?.Int == 1;
            }
            else
            {
                return; // activations (attention scores) or an HF-named weight handled in step 1
            }

            var bias = node.OpType == "Gemm" ? (node.Inputs.Count > 2 ? node.Inputs[2] : null) : FollowingBias(node);
            var module = bias is not null && HfName(bias) is { } hfBias && hfBias.EndsWith(".bias", StringComparison.Ordinal) && universe.ContainsKey(hfBias)
                ? hfBias[..^".bias".Length]
                : ScopeModule(node);
            if (module is null)
                throw new RqaException($"cannot tell which BertModel layer ONNX weight '{weight}' (used by {node.OpType} '{node.Name}') belongs to");
            Assign(module + ".weight", weight, transpose, $"{node.OpType} {node.Name}");
            if (bias is not null && IsUnnamedInitializer(bias)) Assign(module + ".bias", bias, false, $"bias of {node.OpType} {node.Name}");
        }

        /// <summary>The 1-D initializer added to a MatMul's output (the Linear bias), if any.</summary>
        private string? FollowingBias(OnnxNode matMul)
        {
            foreach (var (consumer, index) in consumers.GetValueOrDefault(matMul.Outputs[0]) ?? [])
            {
                if (consumer.OpType != "Add" || consumer.Inputs.Count != 2) continue;
                var other = consumer.Inputs[1 - index];
                if (initializers.TryGetValue(other, out var t) && t.Dims.Length == 1) return other;
            }
            return null;
        }

        private void MapEmbedding(OnnxNode node)
        {
            if (!IsUnnamedInitializer(node.Inputs[0])) return;
            var table = initializers[node.Inputs[0]];
            if (table.DataType != OnnxDataType.Float || table.Dims.Length != 2) return;
            var name = ScopeModule(node) is { } module ? module + ".weight" : null;
            if (name is null || !universe.ContainsKey(name))
            {
                // No scope name: the embedding tables differ in row count (vocab, positions, token types).
                var byShape = universe.Where(p => p.Key.StartsWith("embeddings.") && p.Value.SequenceEqual(table.Dims)).Select(p => p.Key).ToList();
                if (byShape.Count != 1)
                    throw new RqaException($"cannot tell which embedding table ONNX tensor '{table.Name}' {table.ShapeText} is");
                name = byShape[0];
            }
            Assign(name, table.Name, false, $"Gather {node.Name}");
        }

        private void MapLayerNorm(OnnxNode node, int input, string suffix)
        {
            if (node.Inputs.Count <= input || !IsUnnamedInitializer(node.Inputs[input])) return;
            var module = ScopeModule(node) ?? throw new RqaException($"cannot tell which LayerNorm ONNX node '{node.Name}' is");
            Assign(module + suffix, node.Inputs[input], false, $"LayerNormalization {node.Name}");
        }

        private void MapLayerNormOperand(OnnxNode node, string suffix)
        {
            // Decomposed LayerNorm: ... Div, Mul weight, Add bias. The eps Add has a scalar, not a vector.
            foreach (var input in node.Inputs)
            {
                if (!IsUnnamedInitializer(input) || initializers[input].Dims.Length != 1 || initializers[input].ElementCount == 1) continue;
                Assign(ScopeModule(node)! + suffix, input, false, $"{node.OpType} {node.Name}");
            }
        }

        private bool ScopeEndsWithLayerNorm(OnnxNode node) => ScopeModule(node)?.EndsWith("LayerNorm", StringComparison.Ordinal) == true;

        private bool IsUnnamedInitializer(string name) =>
            initializers.ContainsKey(name) && (HfName(name) is not { } hf || !universe.ContainsKey(hf));

        /// <summary>An HF-named Linear weight consumed directly by MatMul is stored [in, out].</summary>
        private bool DirectWeightNeedsTranspose(string name)
        {
            foreach (var (node, index) in consumers.GetValueOrDefault(name) ?? [])
            {
                if (index != 1) continue;
                if (node.OpType == "MatMul") return true;
                if (node.OpType == "Gemm") return node.Attribute("transB")?.Int != 1;
            }
            return false;
        }

        private void Assign(string target, string onnxName, bool transpose, string rule)
        {
            if (!universe.ContainsKey(target))
                throw new RqaException($"ONNX tensor '{onnxName}' ({rule}) maps to '{target}', which the model's config.json does not have");
            if (Sources.TryGetValue(target, out var existing))
            {
                if (existing.OnnxName == onnxName && existing.Transposed == transpose) return;
                throw new RqaException($"BertModel parameter '{target}' found twice in the ONNX graph: '{existing.OnnxName}' ({existing.Rule}) and '{onnxName}' ({rule})");
            }
            Sources[target] = new BuiltInParameterSource(onnxName, transpose, rule);
        }

        /// <summary>An initializer name as an HF state-dict key, dropping a "bert." prefix from BertFor* exports.</summary>
        private static string? HfName(string name)
        {
            if (name.StartsWith("onnx::", StringComparison.Ordinal) || name.Length == 0 || char.IsDigit(name[0])) return null;
            return name.StartsWith("bert.", StringComparison.Ordinal) ? name["bert.".Length..] : name;
        }

        /// <summary>"/encoder/layer.0/attention/self/query/MatMul" -> "encoder.layer.0.attention.self.query".</summary>
        private static string? ScopeModule(OnnxNode node)
        {
            if (!node.Name.StartsWith('/')) return null;
            var parts = node.Name[1..].Split('/');
            if (parts.Length < 2) return null;
            var module = string.Join('.', parts[..^1]);
            return module.StartsWith("bert.", StringComparison.Ordinal) ? module["bert.".Length..] : module;
        }
    }
}

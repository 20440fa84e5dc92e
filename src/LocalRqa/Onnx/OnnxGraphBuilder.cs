using System.Runtime.InteropServices;
using Google.Protobuf;
using LocalRqa.Onnx.Schema;

namespace LocalRqa.Onnx;

/// <summary>
/// Builds one ONNX graph of standard (default-domain) operators for one opset: inputs, outputs, weights and nodes,
/// each value named once. Operators whose form changed after opset 13 (ReduceMean takes its axes as an input from 18,
/// LayerNormalization exists from 17) are written in the form the declared opset defines, so the graph is valid for
/// exactly that opset (13 to 21: <see cref="MinimumOpset"/>, <see cref="MaximumOpset"/>).
/// </summary>
/// <remarks>
/// The messages are Google.Protobuf types generated at build time from <c>Onnx/onnx.proto</c> (the spec's field
/// numbers): Google's maintained runtime does the wire format, and the schema holds only what is written. OnnxSharp's
/// generated types were the alternative; they would tie the export to a small package at version 0.3.2 and to the
/// Google.Protobuf it was built against, for the same half-dozen messages a 130-line schema declares in plain sight.
/// </remarks>
internal sealed class OnnxGraphBuilder
{
    readonly GraphProto graph;
    readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>The oldest opset written: Unsqueeze and ReduceSum in their current form, Softmax over one axis.</summary>
    public const int MinimumOpset = 13;
    /// <summary>The newest opset written (IR version 10), which ONNX Runtime 1.17 and later load.</summary>
    public const int MaximumOpset = 21;

    /// <summary>The default domain's opset version the graph is written for.</summary>
    public int Opset { get; }

    /// <summary>Bytes of weights added so far: a protobuf message must stay under 2 GiB.</summary>
    public long WeightBytes { get; private set; }

    const string OnnxRuntimeDomain = "com.microsoft";
    bool usesOnnxRuntimeDomain;

    public OnnxGraphBuilder(string name, int opset)
    {
        if (opset is < MinimumOpset or > MaximumOpset)
            throw new ArgumentOutOfRangeException(nameof(opset), $"opset {opset} is outside {MinimumOpset}..{MaximumOpset}");
        graph = new GraphProto { Name = name };
        Opset = opset;
    }

    /// <summary>A graph input with its element type and dimensions (a string is a dynamic axis, a number a fixed size).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Makes <paramref name="value"/> a graph output called <paramref name="name"/> (through Identity).</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Claim(name);
        graph.Node.Add(NewNode("Identity", [value], [name], []));
        graph.Output.Add(ValueInfo(name, type, dims));
    }

    /// <summary>A float32 weight, stored as little-endian raw bytes.</summary>
    public string Weight(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length) throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(", ", dims)}]");
        return AddInitializer(name, TensorProto.Types.DataType.Float, ByteString.CopyFrom(MemoryMarshal.AsBytes(values)), dims);
    }

    /// <summary>A float32 scalar (rank 0), broadcast by the arithmetic operators.</summary>
    public string Scalar(string name, float value) => Weight(name, [value]);

    /// <summary>A 1-D int64 constant (shapes, axes, indices).</summary>
    public string Int64s(string name, params long[] values) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())), values.Length);

    /// <summary>An int64 scalar (rank 0): a Gather index that drops the axis it selects on.</summary>
    public string Int64Scalar(string name, long value) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, ByteString.CopyFrom(BitConverter.GetBytes(value)));

    /// <summary>Adds a node and returns the name of its single output, <paramref name="output"/> made unique.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes)
    {
        var name = Unique(output);
        graph.Node.Add(NewNode(opType, inputs, [name], attributes));
        return name;
    }

    /// <summary>
    /// A node of ONNX Runtime's own operator domain (com.microsoft: fused kernels such as Attention): such a graph
    /// runs in ONNX Runtime only, so rqa builds these for its own inference passes, never for an exported file.
    /// </summary>
    public string OnnxRuntimeNode(string opType, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes)
    {
        var name = Unique(output);
        var node = NewNode(opType, inputs, [name], attributes);
        node.Domain = OnnxRuntimeDomain;
        graph.Node.Add(node);
        usesOnnxRuntimeDomain = true;
        return name;
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>Inserts axes of size 1 (axes as an input: opset 13 on, the exporter's minimum).</summary>
    public string Unsqueeze(string input, string output, params long[] axes) =>
        Node("Unsqueeze", [input, Int64s(output + ".axes", axes)], output);

    /// <summary>Sum over <paramref name="axes"/> (axes as an input: opset 13 on).</summary>
    public string ReduceSum(string input, string output, bool keepDims, params long[] axes) =>
        Node("ReduceSum", [input, Int64s(output + ".axes", axes)], output, Attribute("keepdims", keepDims ? 1L : 0L));

    /// <summary>Mean over <paramref name="axes"/>, keeping them (axes: an input since opset 18).</summary>
    public string ReduceMean(string input, string output, params long[] axes) => Opset >= 18
        ? Node("ReduceMean", [input, Int64s(output + ".axes", axes)], output, Attribute("keepdims", 1L))
        : Node("ReduceMean", [input], output, Attribute("axes", axes), Attribute("keepdims", 1L));

    /// <summary>
    /// LayerNorm over the last axis, (x - mean) / sqrt(var + eps) · scale + bias with the biased variance, as
    /// torch.nn.LayerNorm: the LayerNormalization operator from opset 17, its decomposition before.
    /// </summary>
    public string LayerNorm(string input, string scale, string bias, float epsilon, string output)
    {
        if (Opset >= 17)
            return Node("LayerNormalization", [input, scale, bias], output, Attribute("axis", -1L), Attribute("epsilon", epsilon));
        var mean = ReduceMean(input, output + ".mean", -1);
        var centred = Node("Sub", [input, mean], output + ".centred");
        var variance = ReduceMean(Node("Mul", [centred, centred], output + ".squared"), output + ".variance", -1);
        var deviation = Node("Sqrt", [Node("Add", [variance, Scalar(output + ".epsilon", epsilon)], output + ".shifted")], output + ".deviation");
        var normalised = Node("Div", [centred, deviation], output + ".normalised");
        return Node("Add", [Node("Mul", [normalised, scale], output + ".scaled"), bias], output);
    }

    /// <summary>The model: the graph with its opset import and the IR version that opset needs.</summary>
    public ModelProto Build(string producerVersion, string docString, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion(Opset),
            ProducerName = "rqa",
            ProducerVersion = producerVersion,
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (usesOnnxRuntimeDomain) model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxRuntimeDomain, Version = 1 });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The oldest IR version that carries <paramref name="opset"/> (onnx/helper.py's table), so older runtimes load it.</summary>
    static long IrVersion(int opset) => opset switch
    {
        <= 14 => 7, // 13 and 14
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    string AddInitializer(string name, TensorProto.Types.DataType type, ByteString bytes, params long[] dims)
    {
        var unique = Unique(name);
        var tensor = new TensorProto { Name = unique, DataType = (int)type, RawData = bytes };
        tensor.Dims.Add(dims);
        graph.Initializer.Add(tensor);
        WeightBytes += bytes.Length;
        return unique;
    }

    static NodeProto NewNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IReadOnlyList<AttributeProto> attributes)
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"{name}: a dimension is a symbol or a size, got {dim}"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    void Claim(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"the graph already has a value named {name}");
    }

    /// <summary><paramref name="stem"/>, or stem_2, stem_3... when taken: every value in an ONNX graph has one producer.</summary>
    string Unique(string stem)
    {
        var name = stem;
        for (var i = 2; !names.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }
}

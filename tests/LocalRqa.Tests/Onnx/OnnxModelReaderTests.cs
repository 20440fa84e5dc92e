using LocalRqa.Checkpoints;
using LocalRqa.Onnx;

namespace LocalRqa.Tests.Onnx;

public class OnnxModelReaderTests
{
    /// <summary>A tiny ModelProto using each encoding a PyTorch export may use.</summary>
    private static byte[] TinyModel() => new ProtoTestWriter()
        .Varint(1, 7)                       // ir_version
        .String(2, "pytorch")               // producer_name
        .String(3, "2.2.1")                 // producer_version
        .Message(8, o => o.Varint(2, 17))   // opset_import: skipped
        .Message(7, g => g
            .Message(1, n => n              // node
                .String(1, "x").String(1, "w")
                .String(2, "y")
                .String(3, "/encoder/layer.0/attention/self/query/MatMul")
                .String(4, "MatMul"))
            .Message(1, n => n
                .String(2, "c")
                .String(3, "Constant_1")
                .String(4, "Constant")
                .Message(5, a => a.String(1, "value").Varint(20, 4).Message(5, t => t.Varint(2, 1).PackedFloats(4, 1e-12f)))
                .Message(5, a => a.String(1, "axes").Varint(20, 7).Varint(8, -1).Varint(8, 2))
                .Message(5, a => a.String(1, "alpha").Varint(20, 1).Float(2, 0.5f))
                .Message(5, a => a.String(1, "transB").Varint(20, 2).Varint(3, 1)))
            .String(2, "main_graph")
            .Message(5, t => t            // raw_data initializer, dims unpacked
                .Varint(1, 2).Varint(1, 3)
                .Varint(2, (int)OnnxDataType.Float)
                .String(8, "onnx::MatMul_1")
                .Bytes(9, Floats(1, 2, 3, 4, 5, 6)))
            .Message(5, t => t            // float_data packed, dims packed
                .PackedVarints(1, 2)
                .Varint(2, (int)OnnxDataType.Float)
                .PackedFloats(4, 0.25f, -1f)
                .String(8, "bias"))
            .Message(5, t => t            // int64_data unpacked with a negative value
                .Varint(1, 2)
                .Varint(2, (int)OnnxDataType.Int64)
                .Varint(7, -1).Varint(7, 512)
                .String(8, "shape"))
            .Message(11, v => v.String(1, "input_ids").Message(2, _ => { }))
            .Message(11, v => v.String(1, "w"))
            .Message(12, v => v.String(1, "last_hidden_state")))
        .ToArray();

    private static byte[] Floats(params float[] values) => HostTensor.FromFloats(values, values.Length).Data;

    [Fact]
    public void ParsesGraphNodesInitializersAndAttributes()
    {
        var bytes = TinyModel();
        var model = OnnxModelReader.Read(new MemoryStream(bytes), bytes.Length);

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("pytorch", model.ProducerName);
        Assert.Equal("2.2.1", model.ProducerVersion);
        var g = model.Graph;
        Assert.Equal("main_graph", g.Name);
        Assert.Equal(["input_ids", "w"], g.Inputs);
        Assert.Equal(["last_hidden_state"], g.Outputs);

        var matMul = g.Nodes[0];
        Assert.Equal("MatMul", matMul.OpType);
        Assert.Equal(["x", "w"], matMul.Inputs);
        Assert.Equal(["y"], matMul.Outputs);
        Assert.Equal("/encoder/layer.0/attention/self/query/MatMul", matMul.Name);

        var constant = g.Nodes[1];
        var value = constant.Attribute("value")!.Tensor!;
        Assert.Equal(1e-12f, BitConverter.ToSingle(value.Data));
        Assert.Equal([-1L, 2L], constant.Attribute("axes")!.Ints);
        Assert.Equal(0.5f, constant.Attribute("alpha")!.Float);
        Assert.Equal(1L, constant.Attribute("transB")!.Int);

        var raw = g.Initializers[0];
        Assert.Equal("onnx::MatMul_1", raw.Name);
        Assert.Equal([2L, 3L], raw.Dims);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, raw.ToHostTensor().ToFloats());

        var typed = g.Initializers[1];
        Assert.Equal([2L], typed.Dims);
        Assert.Equal(new[] { 0.25f, -1f }, typed.ToHostTensor().ToFloats());

        var ints = g.Initializers[2];
        Assert.Equal(OnnxDataType.Int64, ints.DataType);
        Assert.Equal(-1L, BitConverter.ToInt64(ints.Data, 0));
        Assert.Equal(512L, BitConverter.ToInt64(ints.Data, 8));
    }

    [Fact]
    public void RejectsDataThatDoesNotMatchTheShape()
    {
        var bytes = new ProtoTestWriter()
            .Message(7, g => g.Message(5, t => t.Varint(1, 3).Varint(2, 1).String(8, "bad").Bytes(9, Floats(1, 2))))
            .ToArray();
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(new MemoryStream(bytes), bytes.Length));
        Assert.Contains("bad", e.Message);
    }

    [Fact]
    public void RejectsAModelWithoutGraph()
    {
        var bytes = new ProtoTestWriter().Varint(1, 7).ToArray();
        Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(new MemoryStream(bytes), bytes.Length));
    }
}

using LocalRqa.Onnx;

namespace LocalRqa.Tests.Onnx;

public class ProtoReaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0UL)]
    [InlineData(new byte[] { 0x01 }, 1UL)]
    [InlineData(new byte[] { 0x7F }, 127UL)]
    [InlineData(new byte[] { 0xAC, 0x02 }, 300UL)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, ulong.MaxValue)]
    public void ReadsVarints(byte[] bytes, ulong expected)
    {
        var reader = new ProtoReader(bytes);
        Assert.Equal(expected, reader.ReadVarint());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void NegativeIntegersAreTenByteSignExtendedVarints()
    {
        var bytes = new ProtoTestWriter().RawVarint(unchecked((ulong)-1L)).RawVarint(unchecked((ulong)(long)-2)).RawVarint(unchecked((ulong)long.MinValue)).ToArray();
        Assert.Equal(30, bytes.Length);
        var reader = new ProtoReader(bytes);
        Assert.Equal(-1L, reader.ReadInt64());
        Assert.Equal(-2, reader.ReadInt32());
        Assert.Equal(long.MinValue, reader.ReadInt64());
    }

    [Fact]
    public void ReadsFixedWidthAndLengthDelimitedFields()
    {
        var bytes = new ProtoTestWriter()
            .Fixed32(1, 0xDEADBEEF)
            .Fixed64(2, 0x0123456789ABCDEF)
            .Float(3, 1.5f)
            .String(4, "héllo")
            .ToArray();
        var reader = new ProtoReader(bytes);

        Assert.True(reader.TryReadTag(out var field, out var wire));
        Assert.Equal((1, ProtoWireType.Fixed32), (field, wire));
        Assert.Equal(0xDEADBEEFu, reader.ReadFixed32());
        Assert.True(reader.TryReadTag(out field, out wire));
        Assert.Equal((2, ProtoWireType.Fixed64), (field, wire));
        Assert.Equal(0x0123456789ABCDEFUL, reader.ReadFixed64());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal(3, field);
        Assert.Equal(1.5f, reader.ReadFloat());
        Assert.True(reader.TryReadTag(out field, out wire));
        Assert.Equal((4, ProtoWireType.LengthDelimited), (field, wire));
        Assert.Equal("héllo", reader.ReadString());
        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Fact]
    public void NestedMessagesAreBoundedAndSkippable()
    {
        // outer { 1: inner { 1: 7, 2: inner2 { 1: "deep" }, 9: 1.0f }, 2: 42 }
        var bytes = new ProtoTestWriter()
            .Message(1, m => m
                .Varint(1, 7)
                .Message(2, d => d.String(1, "deep"))
                .Float(9, 1f))
            .Varint(2, 42)
            .ToArray();
        var reader = new ProtoReader(bytes);

        Assert.True(reader.TryReadTag(out var field, out var wire));
        Assert.Equal((1, ProtoWireType.LengthDelimited), (field, wire));
        reader.PushLimit(reader.ReadLength());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal(7UL, reader.ReadVarint());
        Assert.True(reader.TryReadTag(out field, out wire));
        Assert.Equal(2, field);
        reader.PushLimit(reader.ReadLength());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal("deep", reader.ReadString());
        Assert.False(reader.TryReadTag(out _, out _)); // end of the innermost message
        reader.PopLimit();
        reader.PopLimit(); // skips the unread float field 9
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal(2, field);
        Assert.Equal(42UL, reader.ReadVarint());
        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Fact]
    public void SkipsEveryWireType()
    {
        var bytes = new ProtoTestWriter()
            .Varint(1, -5).Fixed32(2, 1).Fixed64(3, 2).String(4, "x").Varint(5, 99)
            .ToArray();
        var reader = new ProtoReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 5) Assert.Equal(99UL, reader.ReadVarint());
            else reader.SkipField(wire);
        }
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void LargePayloadsCrossTheBufferFromNonSeekableStreams()
    {
        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        var bytes = new ProtoTestWriter().Varint(1, 3).Bytes(2, payload).Varint(3, 4).ToArray();
        var reader = new ProtoReader(new NonSeekableStream(bytes), bytes.Length);

        reader.TryReadTag(out _, out _);
        Assert.Equal(3UL, reader.ReadVarint());
        reader.TryReadTag(out _, out _);
        var target = new byte[reader.ReadLength()];
        reader.ReadBytesInto(target);
        Assert.Equal(payload, target);
        reader.TryReadTag(out var field, out _);
        Assert.Equal(3, field);
        Assert.Equal(4UL, reader.ReadVarint());
    }

    [Fact]
    public void StopsAtTheGivenLengthInsideALargerStream()
    {
        var bytes = new ProtoTestWriter().Varint(1, 1).Varint(2, 2).ToArray();
        var reader = new ProtoReader(new MemoryStream(bytes), 2);
        Assert.True(reader.TryReadTag(out _, out _));
        reader.ReadVarint();
        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Fact]
    public void RejectsCorruptData()
    {
        Assert.Throws<InvalidDataException>(() => new ProtoReader([0x80, 0x80]).ReadVarint());
        Assert.Throws<InvalidDataException>(() => new ProtoReader(Enumerable.Repeat((byte)0xFF, 11).ToArray()).ReadVarint());
        var tooLong = new ProtoTestWriter().Tag(1, ProtoWireType.LengthDelimited).RawVarint(10).ToArray();
        var reader = new ProtoReader(tooLong);
        reader.TryReadTag(out _, out _);
        Assert.Throws<InvalidDataException>(() => reader.ReadLength());
    }
}

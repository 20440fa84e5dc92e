using System.Buffers.Binary;
using System.Text;

namespace LocalRqa.Tests.Pickles;

/// <summary>
/// Emits pickle opcodes one by one, so tests can build exactly the streams that Python's pickle (and torch.save)
/// write, and hostile ones it never would. Opcode values follow Python's pickletools.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream output = new();

    public PickleWriter Proto(int version) => Op(0x80).Byte(version);
    public PickleWriter Frame(long length) { Op(0x95); return Raw(BitConverter.GetBytes(length)); }
    public PickleWriter Stop() => Op('.');
    public PickleWriter Mark() => Op('(');
    public PickleWriter Global(string module, string name) => Op('c').Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));
    public PickleWriter StackGlobal() => Op(0x93);
    public PickleWriter Inst(string module, string name) => Op('i').Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));
    public PickleWriter Reduce() => Op('R');
    public PickleWriter NewObj() => Op(0x81);
    public PickleWriter Build() => Op('b');
    public PickleWriter BinPersId() => Op('Q');
    public PickleWriter EmptyTuple() => Op(')');
    public PickleWriter Tuple() => Op('t');
    public PickleWriter Tuple1() => Op(0x85);
    public PickleWriter Tuple2() => Op(0x86);
    public PickleWriter Tuple3() => Op(0x87);
    public PickleWriter EmptyList() => Op(']');
    public PickleWriter Appends() => Op('e');
    public PickleWriter EmptyDict() => Op('}');
    public PickleWriter SetItem() => Op('s');
    public PickleWriter SetItems() => Op('u');
    public PickleWriter EmptySet() => Op(0x8f);
    public PickleWriter AddItems() => Op(0x90);
    public PickleWriter None() => Op('N');
    public PickleWriter Bool(bool value) => Op(value ? 0x88 : 0x89);
    public PickleWriter BinPut(int index) => index < 256 ? Op('q').Byte(index) : Op('r').Int32(index);
    public PickleWriter BinGet(int index) => index < 256 ? Op('h').Byte(index) : Op('j').Int32(index);
    public PickleWriter Memoize() => Op(0x94);

    /// <summary>Python writes str as SHORT_BINUNICODE from protocol 4 on and as BINUNICODE before.</summary>
    public PickleWriter Str(string value, bool shortForm = false)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return shortForm && bytes.Length < 256 ? Op(0x8c).Byte(bytes.Length).Raw(bytes) : Op('X').Int32(bytes.Length).Raw(bytes);
    }

    public PickleWriter Int(long value)
    {
        if (value is >= 0 and < 256) return Op('K').Byte((int)value);
        if (value is >= 0 and < 65536) { Op('M'); return Raw(BitConverter.GetBytes((ushort)value)); }
        if (value is >= int.MinValue and <= int.MaxValue) return Op('J').Int32((int)value);
        Op(0x8a).Byte(8); // LONG1: little-endian two's complement
        return Raw(BitConverter.GetBytes(value));
    }

    public PickleWriter Float(double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        Op('G');
        return Raw(bytes.ToArray());
    }

    public byte[] ToArray() => output.ToArray();

    public PickleWriter Raw(byte[] bytes) { output.Write(bytes); return this; }
    private PickleWriter Op(int opcode) => Byte(opcode);
    private PickleWriter Byte(int value) { output.WriteByte((byte)value); return this; }
    private PickleWriter Int32(int value) => Raw(BitConverter.GetBytes(value));
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace LocalRqa.Pickles;

/// <summary>
/// Rewrites a pickle's opcode stream so that every class or function reference (GLOBAL, STACK_GLOBAL) becomes a
/// persistent-id load of the tuple (module, name, nonce). Razorvine.Pickle resolves globals through one static,
/// process-wide table and turns unknown classes into ClassDicts; after this rewrite it never resolves a global
/// itself, and each <see cref="SafeUnpickler"/> answers the persistent-id calls from its own allow-list.
/// </summary>
internal static class PickleGlobalRewriter
{
    private const byte Global = (byte)'c', Inst = (byte)'i', StackGlobal = 0x93, Frame = 0x95;
    private const byte ShortBinUnicode = 0x8c, BinUnicode = (byte)'X', BinUnicode8 = 0x8d, Tuple3 = 0x87, BinPersId = (byte)'Q';
    private const byte Stop = (byte)'.';

    /// <summary>Returns the rewritten stream; <paramref name="checkGlobal"/> sees each inline (module, name) first.</summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> pickle, string nonce, Action<string, string> checkGlobal)
    {
        using var output = new MemoryStream(pickle.Length + 256);
        var pos = 0;
        while (true)
        {
            if (pos >= pickle.Length) throw new FormatException("the pickle ends without a STOP opcode");
            var start = pos;
            var op = pickle[pos++];
            switch (op)
            {
                case Global:
                {
                    var module = ReadLine(pickle, ref pos);
                    var name = ReadLine(pickle, ref pos);
                    checkGlobal(module, name);
                    WriteString(output, module);
                    WriteString(output, name);
                    WriteNonceAndPersId(output, nonce);
                    continue;
                }
                case Inst:
                {
                    // Protocol 0 only: Python 3, torch and LocalRQA never write it, so it is refused outright.
                    var module = ReadLine(pickle, ref pos);
                    var name = ReadLine(pickle, ref pos);
                    checkGlobal(module, name);
                    throw new FormatException($"it instantiates {module}.{name} with the protocol-0 INST opcode, which is not supported");
                }
                case StackGlobal:
                    WriteNonceAndPersId(output, nonce);
                    continue;
                case Frame:
                    // Frames only group bytes for buffering; dropping them keeps the rewritten lengths honest.
                    pos += 8;
                    continue;
            }

            pos += ArgumentLength(op, pickle, pos);
            if (pos > pickle.Length) throw new FormatException("the pickle is truncated");
            if (op is ShortBinUnicode or BinUnicode or BinUnicode8)
                CheckUtf8(pickle, start + 1 + (op == ShortBinUnicode ? 1 : op == BinUnicode ? 4 : 8), pos); // after the length prefix
            output.Write(pickle[start..pos]);
            if (op == Stop) return output.ToArray();
        }
    }

    private static void WriteNonceAndPersId(MemoryStream output, string nonce)
    {
        WriteString(output, nonce);
        output.WriteByte(Tuple3);
        output.WriteByte(BinPersId);
    }

    private static void WriteString(MemoryStream output, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < 256)
        {
            output.WriteByte(ShortBinUnicode);
            output.WriteByte((byte)bytes.Length);
        }
        else
        {
            output.WriteByte(BinUnicode);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            output.Write(length);
        }
        output.Write(bytes);
    }

    /// <summary>
    /// Python pickles a str as its UTF-8 bytes; Razorvine would decode invalid ones to U+FFFD without a word.
    /// The offset counts from 0 at the start of the file, as hexdump shows it.
    /// </summary>
    private static void CheckUtf8(ReadOnlySpan<byte> pickle, int from, int to)
    {
        if (Utf8.IsValid(pickle[from..to])) return;
        for (var at = from; at < to;)
        {
            if (Rune.DecodeFromUtf8(pickle[at..to], out _, out var length) != OperationStatus.Done)
                throw new FormatException($"invalid UTF-8 in a string at byte offset {at}, 0x{pickle[at]:X2}");
            at += length;
        }
    }

    private static string ReadLine(ReadOnlySpan<byte> pickle, ref int pos)
    {
        var end = pickle[pos..].IndexOf((byte)'\n');
        if (end < 0) throw new FormatException("the pickle is truncated");
        var line = Encoding.UTF8.GetString(pickle.Slice(pos, end));
        pos += end + 1;
        return line;
    }

    /// <summary>Bytes that follow the opcode byte (pickletools' argument descriptors).</summary>
    private static int ArgumentLength(byte op, ReadOnlySpan<byte> pickle, int pos)
    {
        switch (op)
        {
            // No argument.
            case (byte)'(' or (byte)'.' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or (byte)'Q' or (byte)'R'
                or (byte)'a' or (byte)'b' or (byte)'d' or (byte)'}' or (byte)'e' or (byte)'l' or (byte)']' or (byte)'o'
                or (byte)'s' or (byte)'t' or (byte)')' or (byte)'u'
                or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8f or 0x90 or 0x91 or 0x92 or 0x94 or 0x97 or 0x98:
                return 0;
            // Newline-terminated text.
            case (byte)'F' or (byte)'I' or (byte)'L' or (byte)'P' or (byte)'S' or (byte)'V' or (byte)'g' or (byte)'p':
            {
                var end = pickle[Math.Min(pos, pickle.Length)..].IndexOf((byte)'\n');
                if (end < 0) throw new FormatException("the pickle is truncated");
                return end + 1;
            }
            // Fixed width.
            case (byte)'K' or (byte)'h' or (byte)'q' or 0x80 or 0x82: return 1;
            case (byte)'M' or 0x83: return 2;
            case (byte)'J' or (byte)'j' or (byte)'r' or 0x84: return 4;
            case (byte)'G': return 8;
            // Length-prefixed data.
            case (byte)'U' or (byte)'C' or 0x8c or 0x8a: return 1 + Prefix(pickle, pos, 1);
            case (byte)'T' or (byte)'X' or (byte)'B' or 0x8b: return 4 + Prefix(pickle, pos, 4);
            case 0x8d or 0x8e or 0x96: return 8 + Prefix(pickle, pos, 8);
            default:
                throw new FormatException($"it contains the unknown opcode 0x{op:x2}");
        }
    }

    private static int Prefix(ReadOnlySpan<byte> pickle, int pos, int width)
    {
        if (pos + width > pickle.Length) throw new FormatException("the pickle is truncated");
        var slice = pickle.Slice(pos, width);
        long length = width switch
        {
            1 => slice[0],
            4 => BinaryPrimitives.ReadUInt32LittleEndian(slice),
            _ => BinaryPrimitives.ReadInt64LittleEndian(slice),
        };
        if (length < 0 || length > pickle.Length - pos - width) throw new FormatException("the pickle is truncated");
        return (int)length;
    }
}

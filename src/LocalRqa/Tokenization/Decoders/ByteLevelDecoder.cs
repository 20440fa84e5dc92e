using System.Text;
using LocalRqa.Tokenization.PreTokenizers;

namespace LocalRqa.Tokenization.Decoders;

/// <summary>tokenizers "ByteLevel" decoder: alphabet chars back to bytes, the bytes read as UTF-8 (invalid → U+FFFD).</summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            foreach (char c in token)
            {
                int b = ByteLevelAlphabet.ByteOf(c);
                if (b >= 0) bytes.Add((byte)b);
                else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }
}

using System.Security.Cryptography;
using System.Text;
using LocalRqa.Data;

namespace LocalRqa.Indexing;

/// <summary>
/// SHA-256 over the documents that an index embeds, in order: each document's identity (source,
/// page_content) and the text that was embedded (fmt_content). Any change, reordering included, changes it.
/// </summary>
internal static class DocumentFingerprint
{
    public static string Compute(IEnumerable<Document> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var document in documents)
        {
            var identity = document.Identity;
            // A presence byte and length prefixes keep ("ab", "c") apart from ("a", "bc") and null from "".
            hash.AppendData([identity.Source is null ? (byte)0 : (byte)1]);
            Append(hash, identity.Source ?? "");
            Append(hash, identity.PageContent);
            Append(hash, document.FmtContent);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, bytes.LongLength);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}

using System.Security.Cryptography;
using System.Text;
using LocalRqa.Data;

namespace LocalRqa.Evaluation;

/// <summary>
/// A short, stable name for a <see cref="DocumentIdentity"/> (metadata.source and page_content): the first 64 bits of
/// SHA-256, in hex. Equal identities give equal fingerprints; for the few gold documents of one question a collision
/// has probability ~2^-64, so matching fingerprints is matching identities, at 16 characters instead of the passage.
/// </summary>
internal static class IdentityFingerprint
{
    public static string Of(DocumentIdentity identity)
    {
        // A null source and an empty one are different identities, and the source's length keeps ("ab", "c") from ("a", "bc").
        var text = (identity.Source is null ? "N" : $"S{identity.Source.Length}:{identity.Source}") + identity.PageContent;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }
}

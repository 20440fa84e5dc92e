using System.Security.Cryptography;
using System.Text;
using LocalRqa.Data;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// Everything an LM score depends on. <see cref="ScorerSettings"/> digests the LM (its fingerprint covers the
/// weights and the dtype), the template, text_maxlength, the answer-token cap and the scoring code's version;
/// the rest is the example: question, passage identity (metadata.source + page_content, LocalRQA's notion of the
/// same document) and answer.
/// </summary>
internal readonly record struct LmScoreKey(string ScorerSettings, string Question, DocumentIdentity Passage, string Answer)
{
    /// <summary>Bump when tokenization or scoring change what the same inputs score.</summary>
    public const string ScoringCodeVersion = "rqa-lm-score-1";

    /// <summary>The digest of the per-run settings that every key of one scorer shares.</summary>
    public static string Settings(string lmFingerprint, string templateHash, int textMaxLength, int maxAnswerTokens) =>
        Sha256(ScoringCodeVersion, lmFingerprint, templateHash, textMaxLength.ToString(), maxAnswerTokens.ToString());

    /// <summary>SHA-256 (hex) over the length-prefixed fields, so no two different keys share a digest by concatenation.</summary>
    public string Digest() =>
        Sha256(ScorerSettings, Question, Passage.Source is null ? "\0none" : "source:" + Passage.Source, Passage.PageContent, Answer);

    static string Sha256(params string[] fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

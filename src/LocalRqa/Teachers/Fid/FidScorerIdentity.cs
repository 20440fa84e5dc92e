using LocalRqa.Checkpoints;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// What a reader score depends on besides the question and its ctxs: the reader's weights, config and tokenizer
/// (<see cref="ModelFolderFingerprint"/>, not its path: a retrained folder scores differently), --text_maxlength and
/// rqa's scoring code. Saved reader scores carry this text and are reused only by a run whose identity is the same.
/// </summary>
internal static class FidScorerIdentity
{
    /// <summary>Bump when tokenization or <see cref="FidScores"/> change what the same inputs score.</summary>
    public const string ScoringCodeVersion = "rqa-fid-score-1";

    static readonly string[] DefiningFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "spiece.model"];

    public static string Of(string readerFolder, int textMaxlength)
    {
        var fingerprint = ModelFolderFingerprint.Of(readerFolder, ["fid-reader"], DefiningFiles);
        return $"reader sha256:{fingerprint[..32]}, text_maxlength {textMaxlength}, first decoder step ({ScoringCodeVersion})";
    }
}

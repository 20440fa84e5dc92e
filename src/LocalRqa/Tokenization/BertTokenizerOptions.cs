namespace LocalRqa.Tokenization;

/// <summary>The tokenizer_config.json settings of transformers' BertTokenizer (vocab.txt) that change the ids.</summary>
internal sealed record BertTokenizerOptions
{
    public bool DoLowerCase { get; init; } = true;

    /// <summary>null: strip accents exactly when lower-casing.</summary>
    public bool? StripAccents { get; init; }

    public bool TokenizeChineseChars { get; init; } = true;
    public string UnkToken { get; init; } = "[UNK]";
    public string ClsToken { get; init; } = "[CLS]";
    public string SepToken { get; init; } = "[SEP]";
    public string PadToken { get; init; } = "[PAD]";
    public string MaskToken { get; init; } = "[MASK]";
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];

    /// <summary>Tokens from tokenizer_config.json's added_tokens_decoder; when non-empty they replace the special-token list.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>
    /// Entries of the legacy added_tokens.json (token, id); used only when <see cref="AddedTokens"/> is empty, as
    /// transformers reads that file only when tokenizer_config.json has no added_tokens_decoder.
    /// </summary>
    public IReadOnlyList<(string Token, int Id)> LegacyAddedTokens { get; init; } = [];

    public int MaxInputCharsPerWord { get; init; } = 100;
    public int? ModelMaxLength { get; init; }
}

namespace LocalRqa.Tokenization;

/// <summary>Turns text into model input ids exactly as the HuggingFace tokenizer of the same folder would.</summary>
internal interface ITextTokenizer
{
    /// <summary>
    /// Token ids of one text with the model's special tokens (e.g. [CLS] ... [SEP]); when maxLength is given,
    /// the content is truncated (HF 'longest_first' for one sequence: content cut so that content+specials &lt;= maxLength).
    /// </summary>
    TokenizedText Encode(string text, int? maxLength = null, bool addSpecialTokens = true);

    int PadTokenId { get; }

    /// <summary>One more than the largest id the tokenizer can produce (model vocabulary plus added tokens).</summary>
    int VocabSize { get; }

    /// <summary>model_max_length from tokenizer_config.json when present and sane (&lt; 1e6), else null.</summary>
    int? ModelMaxLength { get; }

    int? TokenToId(string token);

    string? IdToToken(int id);

    /// <summary>The token strings of <see cref="Encode"/> without special tokens, for debugging.</summary>
    IReadOnlyList<string> Tokenize(string text);
}

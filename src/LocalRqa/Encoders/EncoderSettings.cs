namespace LocalRqa.Encoders;

/// <summary>How an encoder turns text into a vector; read from the model folder, overridable by flags.</summary>
internal sealed record EncoderSettings
{
    public PoolingType Pooling { get; init; } = PoolingType.Mean;
    public bool Normalize { get; init; }
    public int MaxLength { get; init; } = 512;
    /// <summary>Prepended to queries (sentence-transformers prompt "query").</summary>
    public string QueryPrompt { get; init; } = "";
    /// <summary>Prepended to passages (prompt "passage" or "document").</summary>
    public string PassagePrompt { get; init; } = "";
    /// <summary>Lower-case texts before tokenizing (sentence_bert_config.json `do_lower_case`).</summary>
    public bool LowerCaseInput { get; init; }
    /// <summary>The model's own similarity ("cosine", "dot", ...), when its folder names one.</summary>
    public string? SimilarityFunction { get; init; }

    public string Prompt(PromptKind kind) => kind switch
    {
        PromptKind.Query => QueryPrompt,
        PromptKind.Passage => PassagePrompt,
        _ => "",
    };
}

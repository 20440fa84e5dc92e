namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>What a pre-tokenizer does with its delimiters (tokenizers' SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>What a pre-tokenizer does with its delimiters (tokenizers' SplitDelimiterBehavior).</summary>
public enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

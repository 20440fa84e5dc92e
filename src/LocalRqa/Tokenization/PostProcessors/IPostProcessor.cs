namespace LocalRqa.Tokenization.PostProcessors;

/// <summary>A tokenizer.json "post_processor": wraps the content ids of one sequence in special tokens.</summary>
internal interface IPostProcessor
{
    /// <summary>How many special tokens a single sequence gets; truncation leaves room for them.</summary>
    int SingleSequenceSpecialCount { get; }

    TokenizedText Process(ReadOnlySpan<int> contentIds);
}

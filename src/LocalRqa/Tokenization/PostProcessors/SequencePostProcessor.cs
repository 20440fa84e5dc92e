namespace LocalRqa.Tokenization.PostProcessors;

/// <summary>
/// tokenizers "Sequence" of post-processors (Llama 3: ByteLevel then TemplateProcessing): each one wraps what the
/// previous one produced; type ids are those of the last one.
/// </summary>
internal sealed class SequencePostProcessor(IReadOnlyList<IPostProcessor> processors) : IPostProcessor
{
    public IReadOnlyList<IPostProcessor> Processors { get; } = processors;

    public int SingleSequenceSpecialCount { get; } = processors.Sum(p => p.SingleSequenceSpecialCount);

    public TokenizedText Process(ReadOnlySpan<int> contentIds)
    {
        var result = new TokenizedText(contentIds.ToArray(), new int[contentIds.Length]);
        foreach (var processor in Processors) result = processor.Process(result.Ids);
        return result;
    }
}

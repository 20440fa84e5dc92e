namespace LocalRqa.Tokenization.PostProcessors;

/// <summary>
/// A post-processor that adds nothing: tokenizers "ByteLevel" as a post_processor only trims offsets, which ids
/// never see.
/// </summary>
internal sealed class PassThroughPostProcessor : IPostProcessor
{
    public static PassThroughPostProcessor Instance { get; } = new();

    public int SingleSequenceSpecialCount => 0;

    public TokenizedText Process(ReadOnlySpan<int> contentIds) => new(contentIds.ToArray(), new int[contentIds.Length]);
}

namespace LocalRqa.Tokenization.PostProcessors;

/// <summary>
/// Single-sequence post-processing as a template. tokenizers' BertProcessing ([CLS] $A [SEP]), RobertaProcessing
/// (&lt;s&gt; $A &lt;/s&gt;) and TemplateProcessing all reduce to one for a single sequence.
/// </summary>
internal sealed class TemplatePostProcessor : IPostProcessor
{
    private readonly TemplatePiece[] pieces;

    public TemplatePostProcessor(IEnumerable<TemplatePiece> pieces)
    {
        this.pieces = pieces.ToArray();
        if (this.pieces.Count(p => p.SpecialIds is null) != 1)
            throw new RqaException("a single-sequence template must contain the sequence exactly once");
        SingleSequenceSpecialCount = this.pieces.Sum(p => p.SpecialIds?.Length ?? 0);
    }

    public int SingleSequenceSpecialCount { get; }

    public IReadOnlyList<TemplatePiece> Pieces => pieces;

    public TokenizedText Process(ReadOnlySpan<int> contentIds)
    {
        int total = contentIds.Length + SingleSequenceSpecialCount;
        var ids = new int[total];
        var types = new int[total];
        int at = 0;
        foreach (var piece in pieces)
        {
            int length;
            if (piece.SpecialIds is null)
            {
                contentIds.CopyTo(ids.AsSpan(at));
                length = contentIds.Length;
            }
            else
            {
                piece.SpecialIds.CopyTo(ids.AsSpan(at));
                length = piece.SpecialIds.Length;
            }
            types.AsSpan(at, length).Fill(piece.TypeId);
            at += length;
        }
        return new TokenizedText(ids, types);
    }
}

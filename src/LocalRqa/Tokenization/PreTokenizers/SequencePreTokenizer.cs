namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>tokenizers "Sequence" of pre-tokenizers: each one splits every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> preTokenizers) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> PreTokenizers { get; } = preTokenizers;

    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var current = new List<TextPiece> { piece };
        var next = new List<TextPiece>();
        foreach (var preTokenizer in PreTokenizers)
        {
            next.Clear();
            foreach (var p in current) preTokenizer.PreTokenize(p, next);
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }
}

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// tokenizers "Metaspace" (T5, Llama 2 after transformers' legacy=false): spaces become <see cref="Replacement"/>
/// ("▁"), a replacement is put in front of a piece that does not start with one (per <see cref="Prepend"/>), and with
/// <see cref="Split"/> the piece is cut in front of every replacement (MergedWithNext), so "a  b" gives "▁a", "▁", "▁b".
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement = '▁', MetaspacePrependScheme prepend = MetaspacePrependScheme.Always,
    bool split = true) : IPreTokenizer
{
    public char Replacement { get; } = replacement;
    public MetaspacePrependScheme Prepend { get; } = prepend;
    public bool Split { get; } = split;

    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var span = piece.Text.Span;
        if (span.IsEmpty) return;
        bool prepend = span[0] != ' ' && span[0] != Replacement && Prepend switch
        {
            MetaspacePrependScheme.Always => true,
            // "first": only the piece at the very start of the text, not one that follows an added token.
            MetaspacePrependScheme.First => piece.StartsText,
            _ => false,
        };
        var buffer = new char[span.Length + (prepend ? 1 : 0)];
        int at = 0;
        if (prepend) buffer[at++] = Replacement;
        span.Replace(buffer.AsSpan(at), ' ', Replacement);
        if (!Split)
        {
            output.Add(new TextPiece(buffer, piece.StartsText));
            return;
        }
        int start = 0;
        for (int i = 1; i < buffer.Length; i++)
        {
            if (buffer[i] != Replacement) continue;
            output.Add(new TextPiece(buffer.AsMemory(start, i - start), piece.StartsText && start == 0));
            start = i;
        }
        output.Add(new TextPiece(buffer.AsMemory(start), piece.StartsText && start == 0));
    }
}

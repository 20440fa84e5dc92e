using System.Text;
using System.Text.RegularExpressions;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// tokenizers "ByteLevel" (GPT-2, Llama 3, Qwen2, StableLM): optionally a space in front of each piece, optionally a
/// split with GPT-2's regex, then every piece rewritten as the <see cref="ByteLevelAlphabet"/> chars of its UTF-8
/// bytes. With use_regex false (Llama 3, Qwen2) a preceding Split pre-tokenizer has already cut the words.
/// </summary>
internal sealed class ByteLevelPreTokenizer : IPreTokenizer
{
    /// <summary>GPT-2's word regex: contractions, letters, digits, other symbols, each with one optional leading space.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Regex Gpt2Regex = new(Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public ByteLevelPreTokenizer(bool addPrefixSpace = false, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        UseRegex = useRegex;
    }

    public bool AddPrefixSpace { get; }
    public bool UseRegex { get; }

    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var text = piece.Text;
        if (text.IsEmpty) return;
        if (AddPrefixSpace && text.Span[0] != ' ') text = (" " + text.Span.ToString()).AsMemory();
        var span = text.Span;

        // One buffer for the whole piece; every output piece is a slice of it.
        var mapped = new char[Encoding.UTF8.GetByteCount(span)];
        int written = 0;
        if (!UseRegex)
        {
            written = ByteLevelAlphabet.Map(span, mapped);
            output.Add(new TextPiece(mapped.AsMemory(0, written), piece.StartsText));
            return;
        }
        int pos = 0;
        foreach (var match in Gpt2Regex.EnumerateMatches(span))
        {
            // The regex covers every character, but a gap would still be a piece of its own (Isolated).
            if (match.Index > pos) Emit(span[pos..match.Index], pos == 0);
            if (match.Length > 0) Emit(span.Slice(match.Index, match.Length), match.Index == 0);
            pos = match.Index + match.Length;
        }
        if (pos < span.Length) Emit(span[pos..], pos == 0);

        void Emit(ReadOnlySpan<char> part, bool atStart)
        {
            int length = ByteLevelAlphabet.Map(part, mapped.AsSpan(written));
            output.Add(new TextPiece(mapped.AsMemory(written, length), piece.StartsText && atStart));
            written += length;
        }
    }
}

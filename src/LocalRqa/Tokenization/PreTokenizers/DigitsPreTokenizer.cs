using System.Text;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// tokenizers "Digits": numeric characters (Rust's char::is_numeric, i.e. Nd, Nl, No) apart from the rest, each
/// digit alone when <see cref="IndividualDigits"/>, else runs of digits together.
/// </summary>
internal sealed record DigitsPreTokenizer(bool IndividualDigits = false) : IPreTokenizer
{
    public void PreTokenize(TextPiece piece, List<TextPiece> output) =>
        PieceSplitter.Split(piece, Rune.IsNumber, IndividualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous, output);
}

namespace LocalRqa.Arguments;

/// <summary>The value type of an <see cref="ArgumentField"/>, which decides how text and JSON values are read.</summary>
internal enum ArgumentKind
{
    /// <summary>Any non-empty text (paths, model names, metric names).</summary>
    Text,
    /// <summary>A whole number written as digits (argparse's <c>int</c>: no exponent, no fraction).</summary>
    Integer,
    /// <summary>A finite floating-point number in invariant culture (1e-4, .5).</summary>
    Number,
    /// <summary>HfArgumentParser's string_to_bool spellings; a bare flag means true.</summary>
    Boolean,
    /// <summary>One of a fixed list of spellings.</summary>
    Choice,
    /// <summary>One or more texts: argparse's nargs='+' (`--input a.jsonl b.jsonl`), a JSON list (or one string) in a file.</summary>
    TextList,
}

using System.Text;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>Splits a piece at delimiter characters; every delimiter character is its own match, as in tokenizers.</summary>
internal static class PieceSplitter
{
    public static void Split(TextPiece piece, Func<Rune, bool> isDelimiter, SplitBehavior behavior, List<TextPiece> output)
    {
        var span = piece.Text.Span;
        // Runs of (start, length, isDelimiter), each delimiter rune alone.
        var runs = new List<(int Start, int Length, bool Delimiter)>();
        int runStart = 0, i = 0;
        while (i < span.Length)
        {
            Rune.DecodeFromUtf16(span[i..], out var rune, out int used);
            if (isDelimiter(rune))
            {
                if (i > runStart) runs.Add((runStart, i - runStart, false));
                runs.Add((i, used, true));
                runStart = i + used;
            }
            i += used;
        }
        if (span.Length > runStart) runs.Add((runStart, span.Length - runStart, false));
        Split(piece, runs, behavior, output);
    }

    /// <summary>
    /// Splits at given runs: consecutive (start, length, isDelimiter) stretches that cover the piece, e.g. regex
    /// matches and the gaps between them.
    /// </summary>
    public static void Split(TextPiece piece, List<(int Start, int Length, bool Delimiter)> runs, SplitBehavior behavior,
        List<TextPiece> output)
    {
        if (runs.Count == 1 && !runs[0].Delimiter)
        {
            output.Add(piece);
            return;
        }

        var merged = behavior switch
        {
            SplitBehavior.Removed => runs.Where(r => !r.Delimiter).Select(r => (r.Start, r.Length)).ToList(),
            SplitBehavior.Isolated => runs.Select(r => (r.Start, r.Length)).ToList(),
            SplitBehavior.Contiguous => MergeContiguous(runs),
            SplitBehavior.MergedWithPrevious => MergeWithPrevious(runs),
            SplitBehavior.MergedWithNext => MergeWithNext(runs),
            _ => throw new ArgumentOutOfRangeException(nameof(behavior)),
        };
        foreach (var (start, length) in merged)
        {
            if (length == 0) continue;
            output.Add(new TextPiece(piece.Text.Slice(start, length), piece.StartsText && start == 0));
        }
    }

    private static List<(int, int)> MergeContiguous(List<(int Start, int Length, bool Delimiter)> runs)
    {
        var result = new List<(int, int)>();
        for (int k = 0; k < runs.Count; k++)
        {
            var r = runs[k];
            if (r.Delimiter && k > 0 && runs[k - 1].Delimiter)
            {
                var (s, l) = result[^1];
                result[^1] = (s, l + r.Length);
            }
            else
            {
                result.Add((r.Start, r.Length));
            }
        }
        return result;
    }

    private static List<(int, int)> MergeWithPrevious(List<(int Start, int Length, bool Delimiter)> runs)
    {
        var result = new List<(int, int)>();
        for (int k = 0; k < runs.Count; k++)
        {
            var r = runs[k];
            if (r.Delimiter && k > 0 && !runs[k - 1].Delimiter)
            {
                var (s, l) = result[^1];
                result[^1] = (s, l + r.Length);
            }
            else
            {
                result.Add((r.Start, r.Length));
            }
        }
        return result;
    }

    private static List<(int, int)> MergeWithNext(List<(int Start, int Length, bool Delimiter)> runs)
    {
        var result = new List<(int, int)>();
        for (int k = runs.Count - 1; k >= 0; k--)
        {
            var r = runs[k];
            if (r.Delimiter && k < runs.Count - 1 && !runs[k + 1].Delimiter)
            {
                var (s, l) = result[^1];
                result[^1] = (r.Start, l + r.Length);
            }
            else
            {
                result.Add((r.Start, r.Length));
            }
        }
        result.Reverse();
        return result;
    }
}

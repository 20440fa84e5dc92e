namespace LocalRqa.Arguments;

/// <summary>"Did you mean": the declared names closest to a misspelled flag or JSON key.</summary>
internal static class FlagSuggestions
{
    /// <summary>
    /// Up to three field names or aliases within a typo's distance of <paramref name="spelling"/> (snake or kebab),
    /// or containing it, closest first.
    /// </summary>
    public static IReadOnlyList<string> Close(string spelling, IReadOnlyList<ArgumentSchema> schemas) =>
        Close(spelling, schemas.SelectMany(s => s.Fields).SelectMany(f => new[] { f.Name }.Concat(f.Aliases)));

    /// <summary>The same over any names, e.g. the verbs of the command line.</summary>
    public static IReadOnlyList<string> Close(string spelling, IEnumerable<string> names)
    {
        var wanted = spelling.Replace('-', '_').ToLowerInvariant();
        // Typos grow with the name: two edits for short names, a third of the length for long ones.
        var limit = Math.Max(2, wanted.Length / 3);
        return names
            .Select(n => (Name: n, Distance: wanted.Length >= 3 && n.Replace('-', '_').Contains(wanted, StringComparison.Ordinal)
                ? 0
                : Distance(wanted, n.Replace('-', '_'))))
            .Where(m => m.Distance <= limit)
            .OrderBy(m => m.Distance).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(3).Select(m => m.Name).ToArray();
    }

    /// <summary>Levenshtein distance.</summary>
    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}

using System.Text;

namespace LocalRqa.Tests.Display;

/// <summary>
/// What a terminal of <c>width</c> columns shows after some output, for the escape codes rqa may write: text wrapping at
/// the last column, CR, LF (a pseudo-terminal sends CR LF), erase line (ESC[2K), erase to the end (ESC[K) and colours
/// (ESC[...m, ignored), and the keypad modes .NET's console sets when stdin is a terminal (ESC[?1h ESC=, ESC[?1l ESC>,
/// ignored). Any other escape sequence fails the test, since rqa must not write it.
/// </summary>
sealed class TerminalScreen
{
    readonly int width;
    readonly List<StringBuilder> rows = [new()];
    // Rows that continue the row above (the text wrapped), to give back logical lines.
    readonly HashSet<int> continued = [];
    int row, column;

    TerminalScreen(int width) => this.width = width;

    public static TerminalScreen Replay(string output, int width)
    {
        var screen = new TerminalScreen(width);
        screen.Feed(output);
        return screen;
    }

    /// <summary>The lines shown, wrapped rows joined, trailing spaces and empty rows at the end dropped.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var lines = new List<string>();
            for (var i = 0; i < rows.Count; i++)
            {
                var text = rows[i].ToString();
                if (continued.Contains(i)) lines[^1] += text;
                else lines.Add(text);
            }
            var trimmed = lines.Select(l => l.TrimEnd()).ToList();
            while (trimmed.Count > 0 && trimmed[^1].Length == 0) trimmed.RemoveAt(trimmed.Count - 1);
            return trimmed;
        }
    }

    void Feed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r': column = 0; break;
                case '\n': NextRow(wrapped: false); break;
                case '\u001b': i = Escape(text, i); break;
                default:
                    if (char.IsControl(c)) throw new InvalidOperationException($"unexpected control character U+{(int)c:X4} at {i}");
                    if (column == width) NextRow(wrapped: true);
                    var line = rows[row];
                    if (line.Length < column) line.Append(' ', column - line.Length);
                    if (line.Length == column) line.Append(c);
                    else line[column] = c;
                    column++;
                    break;
            }
        }
    }

    void NextRow(bool wrapped)
    {
        row++;
        column = 0;
        if (row == rows.Count) rows.Add(new StringBuilder());
        if (wrapped) continued.Add(row);
    }

    /// <summary>Applies the CSI sequence starting at <paramref name="start"/>; returns the index of its last character.</summary>
    int Escape(string text, int start)
    {
        if (start + 1 < text.Length && text[start + 1] is '=' or '>') return start + 1;
        if (start + 1 >= text.Length || text[start + 1] != '[') throw new InvalidOperationException($"unexpected escape at {start}");
        var end = start + 2;
        var mode = end < text.Length && text[end] == '?';
        if (mode) end++;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] == ';')) end++;
        if (end == text.Length) throw new InvalidOperationException($"unfinished escape at {start}");
        var parameter = text[(start + 2)..end];
        if (mode)
            return text[end] is 'h' or 'l' && parameter == "?1" ? end : throw new InvalidOperationException($"unexpected escape ESC[{parameter}{text[end]} at {start}");
        switch (text[end], parameter)
        {
            case ('m', _): break;
            case ('K', "2"): rows[row].Clear(); break;
            case ('K', "" or "0"): if (rows[row].Length > column) rows[row].Length = column; break;
            default: throw new InvalidOperationException($"unexpected escape ESC[{parameter}{text[end]} at {start}");
        }
        return end;
    }
}

using System.Text;

namespace LocalRqa.Arguments;

/// <summary>Flags tables of argument schemas: plain text for `--help`, Markdown for the README.</summary>
internal static class ArgumentHelp
{
    /// <summary>One section per argument group; each line is the flag and its value, the default, the description.</summary>
    public static string Text(IEnumerable<ArgumentSchema> schemas)
    {
        var fields = schemas.SelectMany(s => s.Fields).ToArray();
        var flagWidth = fields.Max(f => Usage(f).Length);
        var defaultWidth = fields.Max(f => Default(f).Length);
        var text = new StringBuilder();
        foreach (var group in fields.GroupBy(f => f.Group))
        {
            if (text.Length > 0) text.AppendLine();
            text.AppendLine(group.Key + ":");
            foreach (var field in group)
            {
                var line = $"  {Usage(field).PadRight(flagWidth)}  {Default(field).PadRight(defaultWidth)}  {Describe(field)}";
                text.AppendLine(line.TrimEnd());
            }
        }
        return text.ToString();
    }

    /// <summary>A Markdown table with a group column, for documentation.</summary>
    public static string Markdown(IEnumerable<ArgumentSchema> schemas)
    {
        var text = new StringBuilder();
        text.AppendLine("| Flag | Value | Default | Group | Description |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var field in schemas.SelectMany(s => s.Fields))
            text.AppendLine($"| `{field.Flag}` | `{field.ValueHint.Replace("|", "\\|")}` | `{Default(field)}` | {field.Group} | {Describe(field).Replace("|", "\\|")} |");
        return text.ToString();
    }

    static string Usage(ArgumentField field) => $"{field.Flag} {field.ValueHint}";

    static string Default(ArgumentField field) => field.IsRequired ? "(required)" : ArgumentField.Format(field.DefaultValue);

    static string Describe(ArgumentField field) =>
        field.Aliases.Count == 0 ? field.Description : $"{field.Description} (also {string.Join(", ", field.Aliases.Select(a => "--" + a))})";
}

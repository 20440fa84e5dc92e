using System.Globalization;
using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Arguments;

/// <summary>
/// HfArgumentParser for rqa's trainers: fills the records of several <see cref="ArgumentSchema"/>s from raw
/// arguments, independent of the CLI library. Accepts `--snake_case value` as LocalRQA's scripts write it,
/// kebab-case (`--learning-rate`), `--flag=value`, booleans as string_to_bool reads them (a bare `--do_eval` is
/// true), invariant-culture numbers, and instead of flags a single `.json` file of snake_case keys (flat, or an
/// all_args.json grouped by argument class). A repeated flag takes its last value, as argparse does.
/// </summary>
public static class ArgumentParser
{
    public static ArgumentSet Parse(IReadOnlyList<string> args, params IReadOnlyList<ArgumentSchema> schemas)
    {
        var state = new State(schemas);
        // HfArgumentParser's convention: a lone argument ending in .json is a file of arguments.
        if (args.Count == 1 && !args[0].StartsWith('-') && args[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return ParseJsonFile(args[0], schemas);

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token is "--help" or "-h") return ArgumentSet.ForHelp(state.Records);
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new RqaException($"unexpected argument '{token}' (pass --name value flags, or a single .json file of arguments)");

            var eq = token.IndexOf('=');
            var spelling = eq < 0 ? token[2..] : token[2..eq];
            var inline = eq < 0 ? null : token[(eq + 1)..];
            var (index, field) = state.Lookup(spelling) ?? throw new RqaException(UnknownFlag(spelling, schemas));

            string text;
            if (inline is not null) text = inline;
            else if (field.Kind == ArgumentKind.Boolean)
            {
                // argparse's nargs='?' with const=True: take the next token unless it is another flag.
                if (i + 1 < args.Count && !args[i + 1].StartsWith('-')) text = args[++i];
                else text = "true";
            }
            else if (i + 1 < args.Count && !LooksLikeFlag(args[i + 1])) text = args[++i];
            else throw new RqaException($"{field.Flag} needs a value");

            state.Set(index, field, field.ParseText(text, field.Flag));
        }
        state.CheckRequired(f => $"{f.Flag} is required");
        return ArgumentSet.Create(state.Records);
    }

    /// <summary>
    /// Reads a JSON object whose keys are field names (or aliases); an all_args.json, whose keys are the group
    /// names with objects as values, is read the same way after flattening.
    /// </summary>
    public static ArgumentSet ParseJsonFile(string path, params IReadOnlyList<ArgumentSchema> schemas)
    {
        var state = new State(schemas);
        var json = JsonFile.ReadObject(path);
        var groups = schemas.SelectMany(s => s.Fields).Select(f => f.Group).ToHashSet();
        var grouped = json.Count > 0 && json.All(kv => groups.Contains(kv.Key) && kv.Value is JsonObject);
        var entries = grouped ? json.SelectMany(kv => (JsonObject)kv.Value!) : json;
        foreach (var (key, value) in entries)
        {
            var (index, field) = state.Lookup(key) ?? throw new RqaException($"{path}: {UnknownKey(key, schemas)}");
            state.Set(index, field, field.ParseJson(value, $"{path}: {field.Name}"));
        }
        state.CheckRequired(f => $"{path}: missing required key '{f.Name}'");
        return ArgumentSet.Create(state.Records);
    }

    /// <summary>A negative number is a value, not a flag (argparse's rule for parsers without numeric flags).</summary>
    static bool LooksLikeFlag(string token) =>
        token.StartsWith('-') && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    static string UnknownFlag(string spelling, IReadOnlyList<ArgumentSchema> schemas)
    {
        var close = CloseMatches(spelling, schemas);
        return close.Count > 0
            ? $"unknown flag --{spelling} (did you mean {string.Join(", ", close.Select(n => "--" + n))}?)"
            : $"unknown flag --{spelling}; accepted flags: {string.Join(", ", schemas.SelectMany(s => s.Fields).Select(f => f.Flag))}";
    }

    static string UnknownKey(string key, IReadOnlyList<ArgumentSchema> schemas)
    {
        var close = CloseMatches(key, schemas);
        return close.Count > 0
            ? $"unknown key '{key}' (did you mean {string.Join(", ", close.Select(n => $"'{n}'"))}?)"
            : $"unknown key '{key}'; accepted keys: {string.Join(", ", schemas.SelectMany(s => s.Fields).Select(f => f.Name))}";
    }

    /// <summary>Up to three names within a typo's distance of <paramref name="spelling"/>, or containing it.</summary>
    static IReadOnlyList<string> CloseMatches(string spelling, IReadOnlyList<ArgumentSchema> schemas)
    {
        var wanted = spelling.Replace('-', '_').ToLowerInvariant();
        var limit = Math.Max(2, wanted.Length / 3);
        return schemas.SelectMany(s => s.Fields)
            .SelectMany(f => new[] { f.Name }.Concat(f.Aliases))
            .Select(n => (Name: n, Distance: wanted.Length >= 3 && n.Contains(wanted, StringComparison.Ordinal) ? 0 : Distance(wanted, n)))
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

    /// <summary>The records being filled, one per schema, and which fields were given.</summary>
    sealed class State
    {
        readonly IReadOnlyList<ArgumentSchema> schemas;
        readonly IArgumentRecord[] records;
        readonly HashSet<ArgumentField> given = [];

        public State(IReadOnlyList<ArgumentSchema> schemas)
        {
            this.schemas = schemas;
            records = schemas.Select(s => s.Defaults).ToArray();
            var names = schemas.SelectMany(s => s.Fields).SelectMany(f => f.Spellings).ToArray();
            var clash = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null) throw new InvalidOperationException($"two argument fields are spelled {clash.Key}");
        }

        public IReadOnlyList<IArgumentRecord> Records => records;

        public (int Index, ArgumentField Field)? Lookup(string spelling)
        {
            for (var i = 0; i < schemas.Count; i++)
                if (schemas[i].Find(spelling) is { } field) return (i, field);
            return null;
        }

        public void Set(int index, ArgumentField field, object? value)
        {
            records[index] = (IArgumentRecord)field.WithValue(records[index], value);
            given.Add(field);
        }

        public void CheckRequired(Func<ArgumentField, string> message)
        {
            var missing = schemas.SelectMany(s => s.Fields).FirstOrDefault(f => f.IsRequired && !given.Contains(f));
            if (missing is not null) throw new RqaException(message(missing));
        }
    }
}

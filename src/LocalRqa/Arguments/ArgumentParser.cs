using System.Globalization;
using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Arguments;

/// <summary>
/// HfArgumentParser for every rqa verb: fills the records of several <see cref="ArgumentSchema"/>s from raw
/// arguments, independent of the CLI. Accepts `--snake_case value` as LocalRQA's scripts write it, kebab-case
/// (`--learning-rate`), `--flag=value`, booleans as string_to_bool reads them (a bare `--do_eval` is true),
/// invariant-culture numbers, and a `.json` file of snake_case keys (flat, or an all_args.json grouped by argument
/// class) as the first argument, which the flags after it override. A flag given twice takes its last value, as
/// argparse does.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>
    /// Parses <c>[ARGS.json] [--flag value ...]</c>. `--help`, `-h` or `-?` anywhere returns the unvalidated
    /// defaults with <see cref="ArgumentSet.HelpRequested"/> set, so help never fails on other arguments.
    /// </summary>
    public static ArgumentSet Parse(IReadOnlyList<string> args, params IReadOnlyList<ArgumentSchema> schemas)
    {
        var state = new State(schemas);
        if (args.Any(a => a is "--help" or "-h" or "-?")) return ArgumentSet.ForHelp(state.Records);

        var start = 0;
        string? file = null;
        if (args.Count > 0 && IsArgumentFile(args[0]))
        {
            file = args[0];
            state.ReadJsonFile(file);
            start = 1;
        }
        for (var i = start; i < args.Count; i++)
        {
            var token = args[i];
            if (IsArgumentFile(token))
                throw new RqaException($"unexpected argument '{token}': a .json file of arguments must come first, before the flags that override it");
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new RqaException($"unexpected argument '{token}' (pass --name value flags, after at most one .json file of arguments)");

            var eq = token.IndexOf('=');
            var spelling = eq < 0 ? token[2..] : token[2..eq];
            var inline = eq < 0 ? null : token[(eq + 1)..];
            var (index, field) = state.Lookup(spelling) ?? throw new RqaException(UnknownFlag(spelling, schemas));

            object? value;
            if (inline is not null) value = field.ParseText(inline, field.Flag);
            else if (field.Kind == ArgumentKind.Boolean)
            {
                // argparse's nargs='?' with const=True: take the next token unless it is another flag.
                var text = i + 1 < args.Count && !args[i + 1].StartsWith('-') ? args[++i] : "true";
                value = field.ParseText(text, field.Flag);
            }
            else if (field.Kind == ArgumentKind.TextList)
            {
                // argparse's nargs='+': every token up to the next flag.
                var texts = new List<string>();
                while (i + 1 < args.Count && !LooksLikeFlag(args[i + 1])) texts.Add(args[++i]);
                if (texts.Count == 0 || texts.Any(t => t.Length == 0)) throw new RqaException($"{field.Flag} needs a value");
                value = texts.ToArray();
            }
            else if (i + 1 < args.Count && !LooksLikeFlag(args[i + 1])) value = field.ParseText(args[++i], field.Flag);
            else throw new RqaException($"{field.Flag} needs a value");

            state.Set(index, field, value);
        }
        state.CheckRequired(f => file is null ? $"{f.Flag} is required" : $"{file}: missing required key '{f.Name}'");
        return ArgumentSet.Create(state.Records);
    }

    /// <summary>
    /// Reads a JSON object whose keys are field names (or aliases); an all_args.json, whose keys are the group
    /// names with objects as values, is read the same way after flattening.
    /// </summary>
    public static ArgumentSet ParseJsonFile(string path, params IReadOnlyList<ArgumentSchema> schemas)
    {
        var state = new State(schemas);
        state.ReadJsonFile(path);
        state.CheckRequired(f => $"{path}: missing required key '{f.Name}'");
        return ArgumentSet.Create(state.Records);
    }

    /// <summary>HfArgumentParser's convention: an argument ending in .json, not a flag, is a file of arguments.</summary>
    static bool IsArgumentFile(string token) =>
        !token.StartsWith('-') && token.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A negative number is a value, not a flag (argparse's rule for parsers without numeric flags).</summary>
    static bool LooksLikeFlag(string token) =>
        token.StartsWith('-') && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// A HuggingFace flag rqa does without gets its own answer; anything else the close spellings, if any. The
    /// accepted flags are left to `--help`: a list of fifty on one line hides the one that was meant.
    /// </summary>
    static string UnknownFlag(string spelling, IReadOnlyList<ArgumentSchema> schemas)
    {
        if (UnsupportedHfFlags.Answer(spelling) is { } answer) return $"--{spelling}: {answer}";
        var close = FlagSuggestions.Close(spelling, schemas);
        return close.Count > 0
            ? $"unknown flag --{spelling} (did you mean {string.Join(", ", close.Select(n => "--" + n))}?)"
            : $"unknown flag --{spelling}";
    }

    static string UnknownKey(string key, IReadOnlyList<ArgumentSchema> schemas)
    {
        if (UnsupportedHfFlags.Answer(key) is { } answer) return $"'{key}': {answer}";
        var close = FlagSuggestions.Close(key, schemas);
        return close.Count > 0
            ? $"unknown key '{key}' (did you mean {string.Join(", ", close.Select(n => $"'{n}'"))}?)"
            : $"unknown key '{key}'";
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

        public void ReadJsonFile(string path)
        {
            var json = JsonFile.ReadObject(path);
            var groups = schemas.SelectMany(s => s.Fields).Select(f => f.Group).ToHashSet();
            var grouped = json.Count > 0 && json.All(kv => groups.Contains(kv.Key) && kv.Value is JsonObject);
            var entries = grouped ? json.SelectMany(kv => (JsonObject)kv.Value!) : json;
            foreach (var (key, value) in entries)
            {
                var (index, field) = Lookup(key) ?? throw new RqaException($"{path}: {UnknownKey(key, schemas)}");
                Set(index, field, field.ParseJson(value, $"{path}: {field.Name}"));
            }
        }

        public void CheckRequired(Func<ArgumentField, string> message)
        {
            var missing = schemas.SelectMany(s => s.Fields).FirstOrDefault(f => f.IsRequired && !given.Contains(f));
            if (missing is not null) throw new RqaException(message(missing));
        }
    }
}

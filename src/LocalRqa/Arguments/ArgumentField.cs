using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalRqa.Arguments;

/// <summary>
/// One flag of an argument record: its snake_case name (as LocalRQA's scripts write it), the all_args.json group
/// it is saved under, its value type and help text, and type-erased accessors into the immutable record. Values
/// pass through here as string, int, double, bool, a list of strings or null; choice fields hold their canonical
/// spelling.
/// Created through <see cref="ArgumentSchemaBuilder{T}"/>.
/// </summary>
internal sealed class ArgumentField
{
    readonly Func<object, object?> get;
    readonly Func<object, object?, object> set;

    internal ArgumentField(string name, string group, ArgumentKind kind, string description, bool isNullable, bool isRequired,
        IReadOnlyList<string> choices, string? choiceNote, IReadOnlyList<string> aliases, object? defaultValue, Func<object, object?> get, Func<object, object?, object> set,
        string? numberWord = null)
    {
        NumberWord = numberWord;
        DefaultValue = defaultValue;
        Name = name;
        Group = group;
        Kind = kind;
        Description = description;
        IsNullable = isNullable;
        IsRequired = isRequired;
        Choices = choices;
        ChoiceNote = choiceNote;
        Aliases = aliases;
        this.get = get;
        this.set = set;
    }

    /// <summary>The snake_case name: the flag without its dashes and the key in JSON files.</summary>
    public string Name { get; }
    /// <summary>The object of all_args.json this field is saved under (model_args, data_args, training_args, ...).</summary>
    public string Group { get; }
    public ArgumentKind Kind { get; }
    public string Description { get; }
    /// <summary>Whether null is a valid value (JSON null, or `none`/`null` on the command line for numbers).</summary>
    public bool IsNullable { get; }
    /// <summary>Whether the parser refuses an argument list that does not set it.</summary>
    public bool IsRequired { get; }
    /// <summary>Accepted spellings of a <see cref="ArgumentKind.Choice"/> field, in help order.</summary>
    public IReadOnlyList<string> Choices { get; }
    /// <summary>Appended to the error for a value outside <see cref="Choices"/> (e.g. why wandb is refused).</summary>
    public string? ChoiceNote { get; }
    /// <summary>
    /// Other spellings a <see cref="ArgumentKind.Choice"/> value accepts, case-insensitive, each mapped to its canonical
    /// spelling in <see cref="Choices"/> (`ip` → `dot`); kept out of the help's value list so it names one vocabulary.
    /// </summary>
    public IReadOnlyDictionary<string, string> ChoiceAliases { get; internal set; } = new Dictionary<string, string>();
    /// <summary>Other snake_case names accepted for this field (e.g. HF's newer eval_strategy).</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>
    /// A word a <see cref="ArgumentKind.Number"/> field accepts besides numbers (`--hybrid_weight auto`); the value is
    /// then that word, as a string. Null: numbers only.
    /// </summary>
    public string? NumberWord { get; }

    /// <summary>The value in the record's default instance.</summary>
    public object? DefaultValue { get; }

    /// <summary>When the flag has an effect; null: always (see <c>ArgumentSchemaBuilder.OnlyWhen</c>).</summary>
    public FlagApplicability? Applicability { get; internal set; }

    public string Flag => "--" + Name;

    /// <summary>Every name accepted after `--` or as a JSON key: the name, its aliases and their kebab-case forms.</summary>
    public IEnumerable<string> Spellings =>
        new[] { Name }.Concat(Aliases).SelectMany(n => new[] { n, n.Replace('_', '-') }).Distinct();

    /// <summary>The field's current value in <paramref name="record"/> (string, int, double, bool, string list or null).</summary>
    public object? GetValue(object record) => get(record);

    /// <summary>A copy of <paramref name="record"/> with this field set (records are immutable).</summary>
    public object WithValue(object record, object? value) => set(record, value);

    /// <summary>What the help table shows as the value: `&lt;text&gt;`, `&lt;int&gt;`, `true|false`, `linear|cosine`.</summary>
    public string ValueHint => Kind switch
    {
        ArgumentKind.Text => "<text>",
        ArgumentKind.Integer => "<int>",
        ArgumentKind.Number => NumberWord is null ? "<number>" : $"<number>|{NumberWord}",
        ArgumentKind.Boolean => "[true|false]",
        ArgumentKind.TextList => "<text> ...",
        _ => string.Join('|', Choices),
    };

    /// <summary>Reads a command-line value; <paramref name="source"/> starts the error message (`--learning_rate`).</summary>
    public object? ParseText(string text, string source)
    {
        if (text.Length == 0) throw new RqaException($"{source} needs a value");
        // Python's None: how HF scripts unset an optional number, boolean or choice (never a path).
        if (IsNullable && Kind is not (ArgumentKind.Text or ArgumentKind.TextList) && text.Trim().ToLowerInvariant() is "none" or "null") return null;
        switch (Kind)
        {
            case ArgumentKind.Text:
                return text;
            case ArgumentKind.TextList:
                return new[] { text };
            case ArgumentKind.Integer:
                // argparse's int(): digits only, so 1e3 and 2.0 are refused rather than silently truncated.
                if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue)
                    return (int)n;
                throw new RqaException($"{source}: expected an integer, got '{text}'");
            case ArgumentKind.Number:
                if (NumberWord is not null && string.Equals(text.Trim(), NumberWord, StringComparison.OrdinalIgnoreCase)) return NumberWord;
                if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    return d;
                throw new RqaException($"{source}: expected a number{(NumberWord is null ? "" : " or " + NumberWord)}, got '{text}'");
            case ArgumentKind.Boolean:
                return ParseBoolean(text) ?? throw new RqaException($"{source}: expected true or false, got '{text}'");
            default:
                var match = Choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
                if (match is not null) return match;
                var alias = ChoiceAliases.FirstOrDefault(a => string.Equals(a.Key, text.Trim(), StringComparison.OrdinalIgnoreCase));
                if (alias.Value is not null) return alias.Value;
                var note = ChoiceNote is null ? "" : $" ({ChoiceNote})";
                throw new RqaException($"{source}: '{text}' is not one of {string.Join(", ", Choices)}{note}");
        }
    }

    /// <summary>
    /// Reads a JSON value. Numbers and booleans may also come as strings (then read as on the command line), so a
    /// hand-written file with "1e-4" works; texts and choices must be strings.
    /// </summary>
    public object? ParseJson(JsonNode? node, string source)
    {
        if (node is null)
            return IsNullable ? null : throw new RqaException($"{source}: null is not allowed (expected {Expected})");
        var kind = node.GetValueKind();
        return (Kind, kind) switch
        {
            (_, JsonValueKind.String) => ParseText(node.GetValue<string>(), source),
            (ArgumentKind.Integer or ArgumentKind.Number, JsonValueKind.Number) => ParseText(node.ToJsonString(), source),
            (ArgumentKind.Boolean, JsonValueKind.True) => true,
            (ArgumentKind.Boolean, JsonValueKind.False) => false,
            (ArgumentKind.TextList, JsonValueKind.Array) => node.AsArray().Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw new RqaException($"{source}: expected {Expected}, got {node.ToJsonString()}")).ToArray(),
            _ => throw new RqaException($"{source}: expected {Expected}, got {node.ToJsonString()}"),
        };
    }

    /// <summary>The JSON form of a value read with <see cref="GetValue"/>.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        IReadOnlyList<string> list => new JsonArray(list.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        _ => throw new InvalidOperationException($"unexpected argument value type {value.GetType()}"),
    };

    /// <summary>A value as the help table and messages show it (invariant culture, null as `null`).</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IReadOnlyList<string> list => "[" + string.Join(", ", list) + "]",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>HfArgumentParser's string_to_bool spellings, case-insensitive; null when none matches.</summary>
    public static bool? ParseBoolean(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "t" or "yes" or "y" or "1" => true,
        "false" or "f" or "no" or "n" or "0" => false,
        _ => null,
    };

    string Expected => Kind switch
    {
        ArgumentKind.Text => "a string",
        ArgumentKind.Integer => "an integer",
        ArgumentKind.Number => NumberWord is null ? "a number" : $"a number or {NumberWord}",
        ArgumentKind.Boolean => "true or false",
        ArgumentKind.TextList => "a list of strings",
        _ => "one of " + string.Join(", ", Choices),
    };
}

using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Arguments;

/// <summary>
/// The records one argument list filled (e.g. the training arguments and the CTL arguments of `rqa train ctl`),
/// validated, with the warnings the job should log.
/// <para>
/// Saved as `all_args.json` in LocalRQA's style: one object per argument group, each with its keys sorted, the
/// groups sorted too (json.dump(..., sort_keys=True)):
/// <c>{"contrastive_args": {...}, "data_args": {...}, "model_args": {...}, "training_args": {...}}</c>.
/// The parser accepts that grouped file as well as the flat object HfArgumentParser.parse_json_file reads.
/// </para>
/// </summary>
internal sealed class ArgumentSet
{
    public const string AllArgsFileName = "all_args.json";

    ArgumentSet(IReadOnlyList<IArgumentRecord> records, bool helpRequested)
    {
        Records = records;
        HelpRequested = helpRequested;
    }

    /// <summary>
    /// Validates <paramref name="records"/> together (throwing the first <see cref="RqaException"/>) and collects
    /// their warnings; for records built in code, the parser does the same.
    /// </summary>
    public static ArgumentSet Create(params IReadOnlyList<IArgumentRecord> records)
    {
        if (records.Select(r => r.GetType()).Distinct().Count() != records.Count)
            throw new InvalidOperationException("an argument set holds at most one record of each type");
        var set = new ArgumentSet(records, helpRequested: false);
        foreach (var record in records) record.Validate(set);
        set.Warnings = records.SelectMany(r => IgnoredFlags(r, set)).Concat(records.SelectMany(r => r.Warnings(set))).ToArray();
        return set;
    }

    /// <summary>Flags set (away from their default) where they have no effect, as their declarations say.</summary>
    static IEnumerable<string> IgnoredFlags(IArgumentRecord record, ArgumentSet set) => record.Schema.Fields
        .Where(f => f.Applicability is { } rule && !rule.Applies(record, set)
                    && ArgumentField.Format(f.GetValue(record)) != ArgumentField.Format(f.DefaultValue))
        .Select(f => $"{f.Flag} {ArgumentField.Format(f.GetValue(record))} has no effect {f.Applicability!.Otherwise}");

    /// <summary>Defaults only, unvalidated: what `--help` returns so the CLI can print help without --output_dir.</summary>
    internal static ArgumentSet ForHelp(IReadOnlyList<IArgumentRecord> defaults) => new(defaults, helpRequested: true);

    public IReadOnlyList<IArgumentRecord> Records { get; }

    /// <summary>Legal but probably unintended settings, for the job to log.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>`--help`, `-h` or `-?` was among the arguments; the records then hold defaults and were not validated.</summary>
    public bool HelpRequested { get; }

    public IReadOnlyList<ArgumentSchema> Schemas => Records.Select(r => r.Schema).ToArray();

    public T Get<T>() where T : class, IArgumentRecord =>
        Records.OfType<T>().SingleOrDefault() ?? throw new InvalidOperationException($"no {typeof(T).Name} was parsed");

    /// <summary>The record of type <typeparamref name="T"/>, or its defaults when the set was built without it (library callers).</summary>
    public T GetOrDefault<T>() where T : class, IArgumentRecord, new() => Records.OfType<T>().SingleOrDefault() ?? new T();

    /// <summary>The grouped, sorted all_args.json object (see the class summary).</summary>
    public JsonObject ToJson()
    {
        var groups = new SortedDictionary<string, SortedDictionary<string, JsonNode?>>(StringComparer.Ordinal);
        foreach (var record in Records)
            foreach (var field in record.Schema.Fields)
            {
                if (!groups.TryGetValue(field.Group, out var group)) groups[field.Group] = group = new(StringComparer.Ordinal);
                group[field.Name] = ArgumentField.ToJson(field.GetValue(record));
            }
        return new JsonObject(groups.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonObject(g.Value))));
    }

    /// <summary>One flat, sorted object of every field, as HfArgumentParser.parse_json_file expects.</summary>
    public JsonObject ToFlatJson() => new(Records
        .SelectMany(r => r.Schema.Fields.Select(f => KeyValuePair.Create(f.Name, ArgumentField.ToJson(f.GetValue(r)))))
        .OrderBy(kv => kv.Key, StringComparer.Ordinal));

    /// <summary>Writes <see cref="ToJson"/> as `all_args.json` in <paramref name="folder"/> (the output_dir).</summary>
    public string WriteAllArgs(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, AllArgsFileName);
        JsonFile.Write(path, ToJson());
        return path;
    }

    /// <summary>Writes the flat argument file that `rqa train ... file.json` reads back to the same records.</summary>
    public void ToJsonFile(string path) => JsonFile.Write(path, ToFlatJson());

    /// <summary>The flags table of these records' schemas (see <see cref="ArgumentHelp"/>).</summary>
    public string Help() => ArgumentHelp.Text(Schemas);
}

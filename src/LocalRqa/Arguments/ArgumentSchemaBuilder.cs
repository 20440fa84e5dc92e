namespace LocalRqa.Arguments;

/// <summary>
/// Declares the fields of argument record <typeparamref name="T"/> with typed getters and `with` setters, so a
/// record's schema is one list of lines next to its properties. Fields go into the current group
/// (see <see cref="Group"/>), which names the all_args.json object they are saved under.
/// </summary>
internal sealed class ArgumentSchemaBuilder<T>(T defaults, string group) where T : class, IArgumentRecord
{
    readonly List<ArgumentField> fields = [];
    string group = group;

    /// <summary>Puts the fields declared after this call into <paramref name="name"/>.</summary>
    public ArgumentSchemaBuilder<T> Group(string name) { group = name; return this; }

    public ArgumentSchemaBuilder<T> Text(string name, Func<T, string> get, Func<T, string, T> set, string description,
        bool required = false, IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Text, description, false, required, [], null, aliases, r => get(r), (r, v) => set(r, (string)v!));

    public ArgumentSchemaBuilder<T> OptionalText(string name, Func<T, string?> get, Func<T, string?, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Text, description, true, false, [], null, aliases, r => get(r), (r, v) => set(r, (string?)v));

    /// <summary>One or more texts (argparse's nargs='+'); a repeated flag replaces the list, as argparse does.</summary>
    public ArgumentSchemaBuilder<T> TextList(string name, Func<T, IReadOnlyList<string>> get, Func<T, IReadOnlyList<string>, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.TextList, description, false, false, [], null, aliases, r => get(r), (r, v) => set(r, (IReadOnlyList<string>)v!));

    public ArgumentSchemaBuilder<T> Integer(string name, Func<T, int> get, Func<T, int, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Integer, description, false, false, [], null, aliases, r => get(r), (r, v) => set(r, (int)v!));

    public ArgumentSchemaBuilder<T> OptionalInteger(string name, Func<T, int?> get, Func<T, int?, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Integer, description, true, false, [], null, aliases, r => get(r), (r, v) => set(r, (int?)v));

    public ArgumentSchemaBuilder<T> Number(string name, Func<T, double> get, Func<T, double, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Number, description, false, false, [], null, aliases, r => get(r), (r, v) => set(r, (double)v!));

    public ArgumentSchemaBuilder<T> OptionalNumber(string name, Func<T, double?> get, Func<T, double?, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Number, description, true, false, [], null, aliases, r => get(r), (r, v) => set(r, (double?)v));

    /// <summary>
    /// An optional number that also accepts one word (`--hybrid_weight auto`): <paramref name="get"/> and
    /// <paramref name="set"/> see the number, or null with <c>true</c> for the word, or null with <c>false</c> for unset.
    /// </summary>
    public ArgumentSchemaBuilder<T> OptionalNumberOrWord(string name, string word, Func<T, (double? Number, bool Word)> get,
        Func<T, double?, bool, T> set, string description, IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Number, description, true, false, [], null, aliases,
            r => get(r) is { Word: true } ? word : get(r).Number,
            (r, v) => v is string ? set(r, null, true) : set(r, (double?)v, false), numberWord: word);

    public ArgumentSchemaBuilder<T> Boolean(string name, Func<T, bool> get, Func<T, bool, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Boolean, description, false, false, [], null, aliases, r => get(r), (r, v) => set(r, (bool)v!));

    /// <summary>A boolean whose null default leaves the choice to something else (e.g. the model's own setting).</summary>
    public ArgumentSchemaBuilder<T> OptionalBoolean(string name, Func<T, bool?> get, Func<T, bool?, T> set, string description,
        IReadOnlyList<string>? aliases = null) =>
        Add(name, ArgumentKind.Boolean, description, true, false, [], null, aliases, r => get(r), (r, v) => set(r, (bool?)v));

    /// <summary>
    /// A field stored as an enum and written as one of <paramref name="choices"/>' spellings (the first spelling
    /// of a value is the canonical one); <paramref name="note"/> explains refusals.
    /// </summary>
    /// <param name="valueAliases">other spellings of values (alias → a spelling in <paramref name="choices"/>), accepted but not listed</param>
    public ArgumentSchemaBuilder<T> Choice<TEnum>(string name, IReadOnlyList<(string Spelling, TEnum Value)> choices,
        Func<T, TEnum> get, Func<T, TEnum, T> set, string description, string? note = null, IReadOnlyList<string>? aliases = null,
        IReadOnlyDictionary<string, string>? valueAliases = null)
        where TEnum : struct, Enum
    {
        string Spell(TEnum value) => choices.First(c => EqualityComparer<TEnum>.Default.Equals(c.Value, value)).Spelling;
        TEnum Value(string spelling) => choices.First(c => c.Spelling == spelling).Value;
        return Add(name, ArgumentKind.Choice, description, false, false, choices.Select(c => c.Spelling).ToArray(), note, aliases,
            r => Spell(get(r)), (r, v) => set(r, Value((string)v!))).WithValueAliases(choices.Select(c => c.Spelling), valueAliases);
    }

    /// <summary>A <see cref="Choice{TEnum}"/> whose null default leaves the choice to something else (e.g. the model).</summary>
    public ArgumentSchemaBuilder<T> OptionalChoice<TEnum>(string name, IReadOnlyList<(string Spelling, TEnum Value)> choices,
        Func<T, TEnum?> get, Func<T, TEnum?, T> set, string description, IReadOnlyList<string>? aliases = null,
        IReadOnlyDictionary<string, string>? valueAliases = null)
        where TEnum : struct, Enum
    {
        string? Spell(TEnum? value) => value is { } v ? choices.First(c => EqualityComparer<TEnum>.Default.Equals(c.Value, v)).Spelling : null;
        TEnum? Value(string? spelling) => spelling is null ? null : choices.First(c => c.Spelling == spelling).Value;
        return Add(name, ArgumentKind.Choice, description, true, false, choices.Select(c => c.Spelling).ToArray(), null, aliases,
            r => Spell(get(r)), (r, v) => set(r, Value((string?)v))).WithValueAliases(choices.Select(c => c.Spelling), valueAliases);
    }

    /// <summary>Gives the field declared last its value aliases, those whose target it offers (a subset's flag drops the rest).</summary>
    ArgumentSchemaBuilder<T> WithValueAliases(IEnumerable<string> spellings, IReadOnlyDictionary<string, string>? valueAliases)
    {
        if (valueAliases is null) return this;
        var offered = spellings.ToHashSet(StringComparer.Ordinal);
        fields[^1].ChoiceAliases = valueAliases.Where(a => offered.Contains(a.Value)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        return this;
    }

    /// <summary>
    /// The field declared last has an effect only when <paramref name="applies"/> holds for the record; set otherwise,
    /// it is ignored, and the run says so in one warning: "--FLAG VALUE has no effect <paramref name="otherwise"/>".
    /// </summary>
    public ArgumentSchemaBuilder<T> OnlyWhen(Func<T, bool> applies, string otherwise) => OnlyWhen((r, _) => applies(r), otherwise);

    /// <summary>
    /// As <see cref="OnlyWhen(Func{T, bool}, string)"/>, for a flag whose effect depends on the other records parsed with
    /// its own (e.g. the fusion flags, shared by every verb that can fuse, act when that verb's record chooses hybrid).
    /// </summary>
    public ArgumentSchemaBuilder<T> OnlyWhen(Func<T, ArgumentSet, bool> applies, string otherwise)
    {
        fields[^1].Applicability = new FlagApplicability((r, set) => applies((T)r, set), otherwise);
        return this;
    }

    public ArgumentSchema Build() => new(typeof(T), defaults, fields.ToArray());

    ArgumentSchemaBuilder<T> Add(string name, ArgumentKind kind, string description, bool nullable, bool required,
        IReadOnlyList<string> choices, string? note, IReadOnlyList<string>? aliases, Func<T, object?> get, Func<T, object?, T> set,
        string? numberWord = null)
    {
        if (fields.Any(f => f.Name == name)) throw new InvalidOperationException($"{typeof(T).Name} declares {name} twice");
        fields.Add(new ArgumentField(name, group, kind, description, nullable, required, choices, note, aliases ?? [], get(defaults),
            r => get((T)r), (r, v) => set((T)r, v), numberWord));
        return this;
    }
}

namespace LocalRqa.Arguments;

/// <summary>
/// The declared fields of one argument record type and its default instance (the defaults live only in the
/// record's property initialisers). Built with <see cref="ArgumentSchemaBuilder{T}"/>; the parser fills several
/// schemas from one argument list, so a trainer adds its own record (CTL, DCA, RPG) next to the shared training one.
/// </summary>
internal sealed class ArgumentSchema
{
    internal ArgumentSchema(Type recordType, IArgumentRecord defaults, IReadOnlyList<ArgumentField> fields)
    {
        RecordType = recordType;
        Defaults = defaults;
        Fields = fields;
    }

    public Type RecordType { get; }
    /// <summary>The record with every field at its default; parsing starts from it.</summary>
    public IArgumentRecord Defaults { get; }
    public IReadOnlyList<ArgumentField> Fields { get; }

    /// <summary>The field with this name, alias or kebab-case spelling, or null.</summary>
    public ArgumentField? Find(string spelling) => Fields.FirstOrDefault(f => f.Spellings.Contains(spelling));
}

namespace LocalRqa.Arguments;

/// <summary>
/// A record of parsed arguments (HF's argument dataclasses). By convention each record also has a static
/// <c>Schema</c> (the one the parser is given) and returns it here, so a set of records can be serialised without
/// its parser. One argument list can fill several records, so checks that span records (e.g. a trainer flag
/// against the shared training arguments) receive the whole <see cref="ArgumentSet"/>.
/// </summary>
internal interface IArgumentRecord
{
    /// <summary>The fields this record declares (implemented explicitly next to the static <c>Schema</c>).</summary>
    ArgumentSchema Schema { get; }

    /// <summary>Throws a one-line <see cref="RqaException"/> for a value out of range or a missing requirement.</summary>
    void Validate(ArgumentSet arguments);

    /// <summary>Legal but probably unintended settings, as sentences for the job to log.</summary>
    IEnumerable<string> Warnings(ArgumentSet arguments);
}

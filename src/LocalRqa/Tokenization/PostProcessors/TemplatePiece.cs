namespace LocalRqa.Tokenization.PostProcessors;

/// <summary>
/// One item of a single-sequence template: the sequence itself (<see cref="SpecialIds"/> null) or the ids of a special
/// token (one special may expand to several ids in tokenizers' TemplateProcessing).
/// </summary>
internal sealed record TemplatePiece(int[]? SpecialIds, int TypeId)
{
    public static TemplatePiece Sequence(int typeId = 0) => new(null, typeId);

    public static TemplatePiece Special(int id, int typeId = 0) => new([id], typeId);
}

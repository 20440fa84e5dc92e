namespace LocalRqa.Encoders;

/// <summary>Parsing and naming of pooling types as LocalRQA spells them.</summary>
internal static class PoolingTypes
{
    public static PoolingType Parse(string value, string source = "--pooling_type") => value.Trim().ToLowerInvariant() switch
    {
        "mean" => PoolingType.Mean,
        "cls" => PoolingType.Cls,
        _ => throw new RqaException($"{source}: unknown pooling type '{value}' (expected mean or cls)"),
    };

    public static string Name(this PoolingType pooling) => pooling == PoolingType.Mean ? "mean" : "cls";
}

namespace LocalRqa.Encoders;

/// <summary>How token states become one vector (LocalRQA's `--pooling_type`).</summary>
public enum PoolingType
{
    /// <summary>Average of the non-padding token states.</summary>
    Mean,
    /// <summary>The first token's state ([CLS]).</summary>
    Cls,
}

public static class PoolingTypes
{
    public static PoolingType Parse(string value, string source = "--pooling_type") => value.Trim().ToLowerInvariant() switch
    {
        "mean" => PoolingType.Mean,
        "cls" => PoolingType.Cls,
        _ => throw new RqaException($"{source}: unknown pooling type '{value}' (expected mean or cls)"),
    };

    public static string Name(this PoolingType pooling) => pooling == PoolingType.Mean ? "mean" : "cls";
}

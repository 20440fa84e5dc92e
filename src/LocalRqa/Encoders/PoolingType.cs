namespace LocalRqa.Encoders;

/// <summary>How token states become one vector (LocalRQA's `--pooling_type`).</summary>
public enum PoolingType
{
    /// <summary>Average of the non-padding token states.</summary>
    Mean,
    /// <summary>The first token's state ([CLS]).</summary>
    Cls,
}

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>A tokenizer.json "normalizer": rewrites text before it is split into words.</summary>
internal interface INormalizer
{
    /// <summary>Returns the normalized text; may return <paramref name="text"/> itself when nothing changes.</summary>
    string Normalize(string text);
}

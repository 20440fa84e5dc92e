namespace LocalRqa.Tokenization;

/// <summary>tokenizer.json "truncation": used when Encode gets no explicit maxLength.</summary>
internal sealed record TruncationSettings(int MaxLength, bool FromLeft = false);

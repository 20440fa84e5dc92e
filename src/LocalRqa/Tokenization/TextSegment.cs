namespace LocalRqa.Tokenization;

/// <summary>A stretch of text still to tokenize, or (when <see cref="AddedTokenId"/> is set) one matched added token.</summary>
internal readonly record struct TextSegment(ReadOnlyMemory<char> Text, int? AddedTokenId, bool StartsText);

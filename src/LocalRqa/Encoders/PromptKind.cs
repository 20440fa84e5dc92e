namespace LocalRqa.Encoders;

/// <summary>Which prompt to prepend (`--prompt query|passage|none`).</summary>
internal enum PromptKind { None, Query, Passage }

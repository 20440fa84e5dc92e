namespace LocalRqa.Encoders;

/// <summary>Which prompt to prepend (`--prompt query|passage|none`).</summary>
public enum PromptKind { None, Query, Passage }

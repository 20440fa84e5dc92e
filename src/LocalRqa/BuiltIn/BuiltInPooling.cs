namespace LocalRqa.BuiltIn;

/// <summary>How a built-in model pools token embeddings into one sentence vector.</summary>
public enum BuiltInPooling { Cls, Mean }

namespace LocalRqa.Checkpoints;

/// <summary>Element types of tensors stored in checkpoints (safetensors names).</summary>
internal enum StoredDType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool }

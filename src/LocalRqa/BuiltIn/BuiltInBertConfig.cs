namespace LocalRqa.BuiltIn;

/// <summary>The HuggingFace BertModel config.json values of a built-in model.</summary>
public sealed record BuiltInBertConfig(
    int HiddenSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int IntermediateSize,
    int VocabSize,
    int MaxPositionEmbeddings,
    int TypeVocabSize,
    double LayerNormEps,
    string HiddenAct)
{
    /// <summary>The 6-layer, 384-wide BERT shared by MiniLM-L6 and arctic-embed-xs (their published config.json).</summary>
    public static BuiltInBertConfig MiniLmL6H384 { get; } = new(
        HiddenSize: 384,
        NumHiddenLayers: 6,
        NumAttentionHeads: 12,
        IntermediateSize: 1536,
        VocabSize: 30522,
        MaxPositionEmbeddings: 512,
        TypeVocabSize: 2,
        LayerNormEps: 1e-12,
        HiddenAct: "gelu");
}

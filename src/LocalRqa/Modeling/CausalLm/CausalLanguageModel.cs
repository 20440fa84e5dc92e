using LocalRqa.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// A decoder-only language model with HF *ForCausalLM state-dict names (`model.*`, `lm_head.weight`), for
/// Llama/Mistral, Qwen2 and StableLM checkpoints. Loaded models are frozen (no parameter requires grad) and in
/// eval mode: they score answers for REPLUG-style retriever training and are never trained here. Weights may
/// be held in bfloat16; logits are always computed and returned in float32.
/// </summary>
internal sealed class CausalLanguageModel : nn.Module<Tensor, Tensor, Tensor>
{
    readonly DecoderModel model;
    readonly Linear? lm_head;

    public DecoderSettings Settings { get; }

    /// <summary>The dtype the weights are held in.</summary>
    public ScalarType WeightType { get; private set; } = ScalarType.Float32;

    public static readonly IReadOnlyList<ScalarType> SupportedWeightTypes = [ScalarType.Float32, ScalarType.BFloat16];

    public CausalLanguageModel(DecoderSettings settings) : base(nameof(CausalLanguageModel))
    {
        Settings = settings;
        model = new DecoderModel(settings);
        if (!settings.TieWordEmbeddings) lm_head = nn.Linear(settings.HiddenSize, settings.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>
    /// Reads config.json, picks the family by model_type (or architectures), loads the weights strictly from
    /// model.safetensors, a sharded index or pytorch_model.bin, and converts them to <paramref name="weightType"/>.
    /// </summary>
    public static CausalLanguageModel FromPretrained(string folder, ScalarType weightType = ScalarType.Float32)
    {
        var settings = CausalLmFamily.LoadSettings(folder);
        return Load(settings, CheckpointFolder.Open(folder), weightType);
    }

    /// <summary>Builds the network for <paramref name="settings"/> and fills it from <paramref name="checkpoint"/>.</summary>
    public static CausalLanguageModel Load(DecoderSettings settings, ICheckpointSource checkpoint, ScalarType weightType = ScalarType.Float32)
    {
        if (!SupportedWeightTypes.Contains(weightType))
            throw new RqaException($"unsupported language-model weight type {weightType} (supported: float32, bfloat16)");
        var lm = new CausalLanguageModel(settings);
        try
        {
            // Convert first, then copy: the checkpoint's values are cast once, straight into the target dtype.
            if (weightType != ScalarType.Float32) lm.to(weightType);
            lm.WeightType = weightType;
            StateDictLoader.Load(lm, checkpoint, name => CheckpointName(name, settings.TieWordEmbeddings));
            foreach (var parameter in lm.parameters()) parameter.requires_grad = false;
            lm.eval();
            return lm;
        }
        catch
        {
            lm.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checkpoint name → ours. Drops the rotary `inv_freq` buffers older transformers versions saved (we compute
    /// them from the config), and a stored `lm_head.weight` of a tied checkpoint (it is the embedding matrix).
    /// </summary>
    public static string? CheckpointName(string name, bool tiedEmbeddings)
    {
        if (name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) return null;
        if (tiedEmbeddings && name == "lm_head.weight") return null;
        return name;
    }

    /// <param name="inputIds">[B, T] int64, right-padded</param>
    /// <param name="attentionMask">[B, T]: 1 for tokens, 0 for padding</param>
    /// <returns>logits [B, T, V] in float32</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return Logits(HiddenStates(inputIds, attentionMask)).MoveToOuterDisposeScope();
    }

    /// <summary>Final (normalised) hidden states [B, T, H] in the weight dtype, before the output projection.</summary>
    public Tensor HiddenStates(Tensor inputIds, Tensor attentionMask) => model.forward(inputIds, attentionMask);

    /// <summary>
    /// hidden [..., H] → logits [..., V] in float32. Projecting only the rows one needs (e.g. the positions
    /// that predict answer tokens) avoids a [B, T, V] tensor.
    /// </summary>
    public Tensor Logits(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var weight = lm_head?.weight ?? model.EmbeddingWeight; // [V, H]
        return nn.functional.linear(hidden.to(ScalarType.Float32), weight.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }
}

using LocalRqa.Checkpoints;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>
/// HuggingFace's BertModel in TorchSharp: state-dict names equal HF's, so checkpoints load and save without
/// renaming. The pooler exists only when the checkpoint has one (many retriever checkpoints drop it).
/// </summary>
internal sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertEmbeddings embeddings;
    readonly BertEncoder encoder;
    readonly BertPooler? pooler;

    public BertConfig Config { get; }
    public bool HasPooler => pooler is not null;

    public BertModel(BertConfig config, bool withPooler = true) : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        if (withPooler) pooler = new BertPooler(config);
        RegisterComponents();
    }

    /// <summary>
    /// Sets the attention-probability dropout of every layer for training, leaving <see cref="Config"/> (what is saved)
    /// as it is. With 0, libtorch runs its fused attention kernel in training too, which never stores the [T, T]
    /// probabilities for the backward pass: faster and far smaller for long texts. Hidden-state dropout stays.
    /// </summary>
    public void SetAttentionDropout(double probability)
    {
        if (!(probability is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(probability), "attention dropout must be in [0, 1)");
        foreach (var attention in modules().OfType<BertSelfAttention>()) attention.DropoutProbability = probability;
    }

    /// <summary>Builds the model from config.json and loads its weights strictly, in eval mode.</summary>
    public static BertModel FromPretrained(string folder)
    {
        var config = BertConfig.Load(folder);
        var checkpoint = CheckpointFolder.Open(folder);
        var withPooler = checkpoint.Names.Any(n => CheckpointName(n) == "pooler.dense.weight");
        var model = new BertModel(config, withPooler);
        StateDictLoader.Load(model, checkpoint, CheckpointName);
        model.eval();
        return model;
    }

    /// <summary>
    /// Maps a checkpoint tensor name to ours: strips the `bert.` prefix of task-head checkpoints, renames the
    /// old TF-era LayerNorm `gamma`/`beta`, and knowingly drops pre-training heads (`cls.*`) and the
    /// `position_ids` buffer that older transformers versions saved, and classification heads (`classifier.*`)
    /// of fine-tuned checkpoints: a retriever only needs the encoder.
    /// </summary>
    public static string? CheckpointName(string name)
    {
        if (name.StartsWith("cls.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal)) return null;
        if (name.StartsWith("bert.", StringComparison.Ordinal)) name = name["bert.".Length..];
        if (name.EndsWith("position_ids", StringComparison.Ordinal)) return null;
        if (name.EndsWith("LayerNorm.gamma", StringComparison.Ordinal)) return name[..^"gamma".Length] + "weight";
        if (name.EndsWith("LayerNorm.beta", StringComparison.Ordinal)) return name[..^"beta".Length] + "bias";
        return name;
    }

    /// <param name="inputIds">[B, T] int64</param>
    /// <param name="attentionMask">[B, T], 1 for tokens and 0 for padding</param>
    /// <returns>last_hidden_state [B, T, H]</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask, null);

#pragma warning disable IDE1006 // an overload of TorchSharp's forward
    /// <param name="firstTokenOnly">the last layer computes the first token only: returns [B, 1, H] (for CLS pooling)</param>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool firstTokenOnly = false)
#pragma warning restore IDE1006
    {
        using var scope = NewDisposeScope();
        tokenTypeIds ??= zeros_like(inputIds);
        var hidden = embeddings.forward(inputIds, tokenTypeIds);
        return encoder.forward(hidden, AttentionBias(attentionMask, hidden.dtype), firstTokenOnly).MoveToOuterDisposeScope();
    }

    /// <summary>pooler_output [B, H] from last_hidden_state.</summary>
    public Tensor Pool(Tensor lastHiddenState) =>
        (pooler ?? throw new InvalidOperationException("this checkpoint has no pooler weights")).forward(lastHiddenState);

    /// <summary>[B, T] mask → [B, 1, 1, T] additive bias: 0 to attend, the dtype's minimum to ignore (as HF).</summary>
    static Tensor AttentionBias(Tensor attentionMask, ScalarType dtype)
    {
        var keep = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2);
        return (1.0f - keep) * finfo(dtype).min; // the dtype's own minimum stays finite in float16/bfloat16
    }
}

using LocalRqa.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// HuggingFace's T5ForConditionalGeneration in TorchSharp, with HF's state-dict names, so checkpoints load
/// without renaming. One `shared` embedding table feeds both stacks; when tie_word_embeddings is set it is
/// also the output projection, and the decoder output is scaled by d_model^-0.5 first (Mesh TensorFlow).
/// </summary>
internal sealed class T5ForConditionalGeneration : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly Embedding shared;
    readonly T5Stack encoder;
    readonly T5Stack decoder;
    readonly Linear? lm_head;

    public T5Config Config { get; }

    /// <summary>Decoder blocks and heads: the two extra axes of the cross-attention logits.</summary>
    public int DecoderLayerCount => decoder.BlockCount;

    public T5ForConditionalGeneration(T5Config config) : base(nameof(T5ForConditionalGeneration))
    {
        Config = config;
        shared = nn.Embedding(config.VocabSize, config.DModel);
        encoder = new T5Stack(config, isDecoder: false);
        decoder = new T5Stack(config, isDecoder: true);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.DModel, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Builds the model from config.json and loads its weights strictly, in eval mode.</summary>
    public static T5ForConditionalGeneration FromPretrained(string folder)
    {
        var config = T5Config.Load(folder);
        var checkpoint = CheckpointFolder.Open(folder);
        var hasShared = checkpoint.Names.Contains("shared.weight");
        var model = new T5ForConditionalGeneration(config);
        StateDictLoader.Load(model, checkpoint, name => CheckpointName(name, config.TieWordEmbeddings, hasShared));
        model.eval();
        return model;
    }

    /// <summary>
    /// Maps a checkpoint tensor name to ours. `encoder.embed_tokens` and `decoder.embed_tokens` are aliases of
    /// `shared` (and so is `lm_head` when tied): they are dropped, or, in a checkpoint without `shared.weight`,
    /// the encoder's copy becomes `shared`. Old original-T5 checkpoints also carry an unused cross-attention
    /// relative bias in decoder block 0, which HF ignores too.
    /// </summary>
    public static string? CheckpointName(string name, bool tiedEmbeddings, bool checkpointHasShared)
    {
        if (name == "encoder.embed_tokens.weight") return checkpointHasShared ? null : "shared.weight";
        if (name == "decoder.embed_tokens.weight") return null;
        if (name == "lm_head.weight" && tiedEmbeddings) return null;
        if (name == "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight") return null;
        return name;
    }

    /// <summary>Teacher-forced logits of a whole decoder input.</summary>
    /// <param name="inputIds">[B, L] int64</param>
    /// <param name="attentionMask">[B, L], 1 for tokens and 0 for padding</param>
    /// <param name="decoderInputIds">[B, T] int64, starting with decoder_start_token_id</param>
    /// <returns>logits [B, T, vocab]</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor decoderInputIds)
    {
        using var scope = NewDisposeScope();
        return Decode(decoderInputIds, Encode(inputIds, attentionMask), attentionMask).MoveToOuterDisposeScope();
    }

    /// <param name="inputIds">[B, L] int64</param>
    /// <param name="attentionMask">[B, L], 1 for tokens and 0 for padding</param>
    /// <returns>last_hidden_state [B, L, d_model]</returns>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return encoder.forward(shared.forward(inputIds), attentionMask).MoveToOuterDisposeScope();
    }

    /// <summary>Every decoder block's cross-attention keys and values of an encoder output [B, S, d_model].</summary>
    public T5CrossKeyValues CrossKeyValues(Tensor encoderStates) => decoder.CrossKeyValues(encoderStates);

    /// <param name="decoderInputIds">[B, T] int64</param>
    /// <param name="encoderStates">[B, S, d_model]</param>
    /// <param name="encoderMask">[B, S]</param>
    /// <returns>logits [B, T, vocab]</returns>
    public Tensor Decode(Tensor decoderInputIds, Tensor encoderStates, Tensor encoderMask)
    {
        using var scope = NewDisposeScope();
        using var keysValues = CrossKeyValues(encoderStates);
        return Decode(decoderInputIds, keysValues, encoderMask).MoveToOuterDisposeScope();
    }

    /// <param name="decoderInputIds">[B, T] int64</param>
    /// <param name="encoder">the encoder output's cross-attention keys and values</param>
    /// <param name="encoderMask">[B, S]</param>
    /// <param name="crossLogitsSink">
    /// receives each decoder block's pre-softmax cross-attention logits [B, h, T, S] in block order; the caller
    /// owns (and disposes) them.
    /// </param>
    /// <param name="selfCache">
    /// for step-by-step decoding: the self-attention keys and values of earlier positions, which
    /// decoderInputIds then continues; it is extended by these positions.
    /// </param>
    /// <returns>logits [B, T, vocab]</returns>
    public Tensor Decode(Tensor decoderInputIds, T5CrossKeyValues encoder, Tensor encoderMask, ICollection<Tensor>? crossLogitsSink = null,
        T5SelfAttentionCache? selfCache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = decoder.Decode(shared.forward(decoderInputIds), encoder, encoderMask, crossLogitsSink, selfCache); // [B, T, d]
        return Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Greedy decoding from decoder_start_token_id. The cross-attention keys and values are computed once and
    /// the self-attention ones are cached, so each step runs the decoder on one new token.
    /// </summary>
    /// <param name="stopAtEos">
    /// stop once every row has produced eos_token_id (later tokens of finished rows are pad); false always
    /// generates maxNewTokens, as a benchmark wants.
    /// </param>
    /// <returns>[B, 1 + n] int64: the start token, then n ≤ maxNewTokens generated tokens</returns>
    public Tensor Generate(Tensor encoderStates, Tensor encoderMask, int maxNewTokens, bool stopAtEos = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        using var scope = NewDisposeScope();
        using var keysValues = CrossKeyValues(encoderStates);
        using var selfCache = new T5SelfAttentionCache(DecoderLayerCount);
        var batch = encoderStates.shape[0];
        var device = encoderStates.device;
        var tokens = full(batch, 1, Config.DecoderStartTokenId, dtype: ScalarType.Int64, device: device); // [B, 1]
        var finished = zeros(batch, dtype: ScalarType.Bool, device: device); // [B]
        for (var step = 0; step < maxNewTokens; step++)
        {
            using var stepScope = NewDisposeScope();
            var logits = Decode(tokens[.., ^1..], keysValues, encoderMask, null, selfCache); // [B, 1, V]
            var next = logits[.., -1, ..].argmax(-1); // [B]
            if (stopAtEos) next = where(finished, full_like(next, Config.PadTokenId), next);
            tokens = cat([tokens, next.unsqueeze(1)], 1).MoveToOuterDisposeScope();
            if (!stopAtEos) continue;
            finished = (finished | next.eq(Config.EosTokenId)).MoveToOuterDisposeScope();
            if (finished.all().item<bool>()) break;
        }
        return tokens.MoveToOuterDisposeScope();
    }

    /// <param name="hidden">decoder output [B, T, d_model]</param>
    /// <returns>[B, T, vocab]</returns>
    Tensor Logits(Tensor hidden)
    {
        if (lm_head is not null) return lm_head.forward(hidden);
        using var scope = NewDisposeScope();
        return nn.functional.linear(hidden * Math.Pow(Config.DModel, -0.5), shared.weight!).MoveToOuterDisposeScope();
    }
}

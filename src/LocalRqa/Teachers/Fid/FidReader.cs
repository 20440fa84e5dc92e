using LocalRqa.Modeling.T5;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// A frozen Fusion-in-Decoder reader (Izacard &amp; Grave 2021) over a T5: each passage row
/// ("question: … title: … context: …") is encoded on its own, then the decoder attends to the concatenation of
/// one question's encoded passages. Its cross-attention gives the passage scores a retriever is distilled from.
/// </summary>
internal sealed class FidReader
{
    public T5ForConditionalGeneration Model { get; }

    public FidReader(T5ForConditionalGeneration model)
    {
        Model = model;
        model.eval();
    }

    /// <summary>Passage scores from one decoder step (decoder input = decoder_start_token_id).</summary>
    /// <param name="inputIds">[B, P, L] int64</param>
    /// <param name="attentionMask">[B, P, L], 1 for tokens and 0 for padding</param>
    /// <returns>[B, P] float32, see <see cref="FidScores"/></returns>
    public Tensor Scores(Tensor inputIds, Tensor attentionMask)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (states, mask) = EncodePassages(inputIds, attentionMask);
        using var keysValues = Model.CrossKeyValues(states);
        var start = full(inputIds.shape[0], 1, Model.Config.DecoderStartTokenId, dtype: ScalarType.Int64, device: inputIds.device); // [B, 1]
        var logits = new List<Tensor>();
        try { Model.Decode(start, keysValues, mask, logits); }
        finally { scope.Attach(logits); } // the sink's tensors are ours to free, even on failure
        return FidScores.FromCrossAttentionLogits(logits, attentionMask).MoveToOuterDisposeScope();
    }

    /// <summary>Greedy FiD answer generation over the passages (see <see cref="T5ForConditionalGeneration.Generate"/>).</summary>
    /// <returns>[B, 1 + n] int64, starting with decoder_start_token_id</returns>
    public Tensor Generate(Tensor inputIds, Tensor attentionMask, int maxNewTokens, bool stopAtEos = true)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (states, mask) = EncodePassages(inputIds, attentionMask);
        return Model.Generate(states, mask, maxNewTokens, stopAtEos).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes every passage alone and joins each question's passages into one encoder sequence.</summary>
    /// <returns>states [B, P·L, d_model] and their mask [B, P·L]</returns>
    (Tensor States, Tensor Mask) EncodePassages(Tensor inputIds, Tensor attentionMask)
    {
        if (inputIds.dim() != 3 || !inputIds.shape.SequenceEqual(attentionMask.shape))
            throw new ArgumentException($"FiD input_ids and attention_mask must both be [batch, passages, length], got [{string.Join(", ", inputIds.shape)}] and [{string.Join(", ", attentionMask.shape)}]");
        var (batch, passages, length) = (inputIds.shape[0], inputIds.shape[1], inputIds.shape[2]);
        var states = Model.Encode(inputIds.reshape(batch * passages, length), attentionMask.reshape(batch * passages, length)); // [B·P, L, d]
        return (states.reshape(batch, passages * length, -1), attentionMask.reshape(batch, passages * length));
    }
}

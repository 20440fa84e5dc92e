using LocalRqa.Modeling.CausalLm;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// Scores answers under a frozen causal LM: each (prompt, answer) pair becomes one left-truncated sequence
/// (<see cref="AnswerSequence.Build"/>), the pairs go through the LM as one right-padded batch, and only the
/// positions that predict answer tokens are projected to the vocabulary and log-softmaxed (in float32).
/// </summary>
internal sealed class AnswerLikelihoodScorer(CausalLanguageModel model, int maxAnswerTokens = AnswerSequence.DefaultMaxAnswerTokens)
{
    /// <summary>Per-token log-probabilities and their mean for each pair, in order, from one LM run.</summary>
    /// <param name="pairs">already tokenized prompts and answers</param>
    /// <param name="maxLength">the longest prompt + answer sequence the LM sees</param>
    public IReadOnlyList<AnswerLikelihood> Score(IReadOnlyList<(int[] Prompt, int[] Answer)> pairs, int maxLength)
    {
        if (pairs.Count == 0) return [];
        var sequences = pairs.Select(p => AnswerSequence.Build(p.Prompt, p.Answer, maxLength, maxAnswerTokens)).ToArray();
        var vocabulary = model.Settings.VocabSize;
        foreach (var id in sequences.SelectMany(s => s.Ids))
            if (id < 0 || id >= vocabulary) throw new ArgumentException($"token id {id} is outside the LM's vocabulary of {vocabulary}", nameof(pairs));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (ids, mask) = RightPadded(sequences);
        var hidden = model.HiddenStates(ids, mask); // [B, T, H]
        var width = ids.shape[1];

        // Answer token at position p is predicted by the output at p − 1.
        var rows = new List<long>();
        var targets = new List<long>();
        for (var b = 0; b < sequences.Length; b++)
            for (var p = sequences[b].AnswerStart; p < sequences[b].Length; p++)
            {
                rows.Add(b * width + p - 1);
                targets.Add(sequences[b].Ids[p]);
            }
        var predicting = hidden.reshape(-1, hidden.shape[2]).index_select(0, tensor(rows.ToArray())); // [N, H]
        var logProbs = model.Logits(predicting).log_softmax(-1); // [N, V] float32
        var picked = logProbs.gather(1, tensor(targets.ToArray()).unsqueeze(1)).squeeze(1); // [N]
        var values = picked.data<float>().ToArray();

        var results = new AnswerLikelihood[sequences.Length];
        var offset = 0;
        for (var b = 0; b < sequences.Length; b++)
        {
            results[b] = new AnswerLikelihood(values[offset..(offset + sequences[b].AnswerLength)]);
            offset += sequences[b].AnswerLength;
        }
        return results;
    }

    /// <summary>The mean answer-token log-probability of each pair (the REPLUG LM score).</summary>
    public float[] MeanLogProbs(IReadOnlyList<(int[] Prompt, int[] Answer)> pairs, int maxLength) =>
        Score(pairs, maxLength).Select(s => s.MeanLogProb).ToArray();

    /// <summary>
    /// ids [B, T] (padding filled with id 0, which the mask hides) and mask [B, T] built from the sequence
    /// lengths, never from pad ids: an eos id that is also the pad id stays visible inside a prompt.
    /// </summary>
    public static (Tensor Ids, Tensor Mask) RightPadded(IReadOnlyList<AnswerSequence> sequences)
    {
        var width = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * width];
        var mask = new long[sequences.Count * width];
        for (var b = 0; b < sequences.Count; b++)
            for (var p = 0; p < sequences[b].Length; p++)
            {
                ids[b * width + p] = sequences[b].Ids[p];
                mask[b * width + p] = 1;
            }
        return (tensor(ids, sequences.Count, width), tensor(mask, sequences.Count, width));
    }
}

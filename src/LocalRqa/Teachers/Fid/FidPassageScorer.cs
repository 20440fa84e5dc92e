using LocalRqa.Data.Dca;
using LocalRqa.Modeling.T5;
using LocalRqa.Runtime;
using LocalRqa.Teachers.Fid;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// The FiD reader as DCA's teacher: each passage row is <c>question: {q} title: {title} context: {text}</c> (LocalRQA's
/// FidDataset + FidCollator), tokenized with the reader's tokenizer and truncated to <c>text_maxlength</c>; a batch is
/// padded to [B, n_context, L] and scored by <see cref="FidReader.Scores"/> (one decoder step, no gradients).
/// </summary>
internal sealed class FidPassageScorer : IPassageScorer, IDisposable
{
    readonly FidReader reader;
    readonly ITextTokenizer tokenizer;
    readonly int textMaxlength;

    public FidPassageScorer(T5ForConditionalGeneration model, ITextTokenizer tokenizer, int textMaxlength)
    {
        if (textMaxlength < 2) throw new RqaException($"--text_maxlength must be at least 2, got {textMaxlength}");
        reader = new FidReader(model);
        this.tokenizer = tokenizer;
        this.textMaxlength = textMaxlength;
    }

    /// <summary>The reader of a HF T5 folder; any other model fails with T5Config's one-line message.</summary>
    public static FidPassageScorer Load(string folder, int textMaxlength)
    {
        TorchRuntime.Initialize();
        var model = T5ForConditionalGeneration.FromPretrained(folder);
        try { return new FidPassageScorer(model, TokenizerLoader.FromFolder(folder), textMaxlength); }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One reader row: the question and one passage, prefixed as LocalRQA's FidDataset writes them.</summary>
    public static string Row(string question, DcaContext context) => $"question: {question} title: {context.Title} context: {context.Text}";

    public float[][] Score(IReadOnlyList<DcaQuestion> questions)
    {
        // Questions with fewer ctxs than the others are scored in their own group: a FiD batch is rectangular, and an
        // all-padding passage row would feed the decoder encoder states of nothing.
        var result = new float[questions.Count][];
        foreach (var group in questions.Select((q, i) => (q, i)).GroupBy(x => x.q.Contexts.Count))
        {
            var members = group.ToList();
            var scores = group.Key == 0 ? members.Select(_ => Array.Empty<float>()).ToArray() : ScoreRectangular(members.Select(m => m.q).ToList());
            for (var k = 0; k < members.Count; k++) result[members[k].i] = scores[k];
        }
        return result;
    }

    float[][] ScoreRectangular(IReadOnlyList<DcaQuestion> questions)
    {
        var passages = questions[0].Contexts.Count;
        var rows = questions.Select(q => q.Contexts.Select(c => tokenizer.Encode(Row(q.Question, c), textMaxlength).Ids).ToArray()).ToArray();
        var length = rows.SelectMany(r => r).Max(ids => ids.Length);
        var ids = new long[questions.Count * passages * length];
        var mask = new long[ids.Length];
        Array.Fill(ids, tokenizer.PadTokenId);
        for (var b = 0; b < rows.Length; b++)
            for (var p = 0; p < rows[b].Length; p++)
                for (var t = 0; t < rows[b][p].Length; t++)
                {
                    var at = (b * passages + p) * length + t;
                    ids[at] = rows[b][p][t];
                    mask[at] = 1;
                }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var inputIds = tensor(ids, questions.Count, passages, length); // [B, P, L]
        var attention = tensor(mask, questions.Count, passages, length); // [B, P, L]
        var scores = reader.Scores(inputIds, attention).to(ScalarType.Float32).contiguous().data<float>().ToArray(); // [B, P]
        return questions.Select((_, b) => scores.AsSpan(b * passages, passages).ToArray()).ToArray();
    }

    public void Dispose() => reader.Model.Dispose();
}

using LocalRqa.Data.Dca;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// The teacher of DCA: scores each passage of each question, higher meaning more useful to answer it (a FiD
/// reader's cross-attention, Izacard &amp; Grave 2021). Called with a batch of `reader_batch_size` questions.
/// </summary>
internal interface IPassageScorer
{
    /// <returns>One array per question, one score per ctx in <see cref="DcaQuestion.Contexts"/> order.</returns>
    float[][] Score(IReadOnlyList<DcaQuestion> questions);
}

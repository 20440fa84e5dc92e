namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// prompt + answer token ids as one LM input, with the answer starting at <see cref="AnswerStart"/>. Token t of
/// the answer is predicted by the LM output at position AnswerStart + t − 1, so at least one prompt token
/// must remain in front of it.
/// </summary>
internal sealed record AnswerSequence(int[] Ids, int AnswerStart)
{
    /// <summary>The cap on answer tokens LocalRQA scores (longer answers keep their first tokens).</summary>
    public const int DefaultMaxAnswerTokens = 128;

    public int Length => Ids.Length;
    public int AnswerLength => Ids.Length - AnswerStart;
    public ReadOnlySpan<int> Answer => Ids.AsSpan(AnswerStart);

    /// <summary>
    /// Keeps the first min(maxAnswerTokens, maxLength − 1) answer tokens whole and cuts the prompt from the
    /// LEFT so that the sequence fits in <paramref name="maxLength"/>: the end of the prompt (the question and
    /// the cue right before the answer) matters most for predicting it.
    /// </summary>
    public static AnswerSequence Build(IReadOnlyList<int> prompt, IReadOnlyList<int> answer, int maxLength,
        int maxAnswerTokens = DefaultMaxAnswerTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAnswerTokens, 1);
        if (prompt.Count == 0) throw new ArgumentException("the prompt needs at least one token to condition the first answer token on", nameof(prompt));
        if (answer.Count == 0) throw new ArgumentException("the answer is empty: there is nothing to score", nameof(answer));
        var answerLength = Math.Min(answer.Count, Math.Min(maxAnswerTokens, maxLength - 1));
        var promptLength = Math.Min(prompt.Count, maxLength - answerLength);
        var ids = new int[promptLength + answerLength];
        for (var i = 0; i < promptLength; i++) ids[i] = prompt[prompt.Count - promptLength + i];
        for (var i = 0; i < answerLength; i++) ids[promptLength + i] = answer[i];
        return new AnswerSequence(ids, promptLength);
    }
}

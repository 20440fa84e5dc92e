using LocalRqa.Teachers.LanguageModel;

namespace LocalRqa.Tests.Teachers.LanguageModel;

public class AnswerSequenceTests
{
    [Fact]
    public void ASequenceThatFitsIsPromptThenAnswer()
    {
        var sequence = AnswerSequence.Build([1, 2, 3], [7, 8], maxLength: 10);
        Assert.Equal([1, 2, 3, 7, 8], sequence.Ids);
        Assert.Equal(3, sequence.AnswerStart);
        Assert.Equal([7, 8], sequence.Answer.ToArray());
    }

    [Fact]
    public void ThePromptIsCutFromTheLeftAndTheAnswerKeptWhole()
    {
        // 10 prompt + 3 answer tokens into 8: the answer keeps 3, the prompt its last 8 − 3 = 5 tokens.
        var sequence = AnswerSequence.Build([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [20, 21, 22], maxLength: 8);
        Assert.Equal([6, 7, 8, 9, 10, 20, 21, 22], sequence.Ids);
        Assert.Equal(5, sequence.AnswerStart);
    }

    [Fact]
    public void AnswersAreCappedAtTheirFirstMaxAnswerTokens()
    {
        var answer = Enumerable.Range(1000, 200).ToArray();
        var sequence = AnswerSequence.Build([1, 2], answer, maxLength: 512);
        Assert.Equal(AnswerSequence.DefaultMaxAnswerTokens, sequence.AnswerLength);
        Assert.Equal(answer[..128], sequence.Answer.ToArray());
        Assert.Equal([1, 2], sequence.Ids[..2]);

        var short3 = AnswerSequence.Build([1, 2], [5, 6, 7, 8], maxLength: 512, maxAnswerTokens: 3);
        Assert.Equal([1, 2, 5, 6, 7], short3.Ids);
    }

    [Fact]
    public void AnAnswerAsLongAsMaxLengthKeepsOnePromptTokenInFront()
    {
        // maxLength 4: the answer can use 4 − 1 = 3 positions, the last prompt token conditions its first token.
        var sequence = AnswerSequence.Build([1, 2, 3], [7, 8, 9, 10, 11], maxLength: 4);
        Assert.Equal([3, 7, 8, 9], sequence.Ids);
        Assert.Equal(1, sequence.AnswerStart);
    }

    [Fact]
    public void EmptyPromptsAndAnswersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => AnswerSequence.Build([], [1], 8));
        Assert.Throws<ArgumentException>(() => AnswerSequence.Build([1], [], 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnswerSequence.Build([1], [2], 1));
    }
}

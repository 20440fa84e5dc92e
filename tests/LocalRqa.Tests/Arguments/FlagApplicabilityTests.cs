using LocalRqa.Arguments;
using LocalRqa.Jobs;
using LocalRqa.Tests.Training.Arguments;

namespace LocalRqa.Tests.Arguments;

/// <summary>Flags declared with the condition under which they act (OnlyWhen) warn, once each, when set where they do nothing.</summary>
public sealed class FlagApplicabilityTests
{
    static IReadOnlyList<string> TestRetrieverWarnings(params string[] extra) => ArgumentParser.Parse(
        ["--document_path", "d.pkl", "--eval_data_path", "q.jsonl", "--output_dir", "out", .. extra], TestRetrieverArguments.Schema).Warnings;

    [Fact]
    public void DenseOnlyFlagsWarnWithBm25AndOnlyWhenSet()
    {
        Assert.Empty(TestRetrieverWarnings("--retriever_type", "bm25"));
        Assert.Empty(TestRetrieverWarnings("--index_path", "idx", "--similarity", "ip", "--rebuild_index"));
        Assert.Equal(
            ["--index_path idx has no effect with --retriever_type bm25 (BM25 embeds nothing and keeps no vector index)",
             "--similarity dot has no effect with --retriever_type bm25 (BM25 embeds nothing and keeps no vector index)"],
            TestRetrieverWarnings("--retriever_type", "bm25", "--index_path", "idx", "--similarity", "ip"));
        Assert.StartsWith("--rebuild_index true has no effect without a dense --index_path", Assert.Single(TestRetrieverWarnings("--rebuild_index")));
    }

    [Fact]
    public void TrainingFlagsOfAnotherStrategyOrMiningModeWarn()
    {
        Assert.Equal("--eval_steps 5 has no effect without --evaluation_strategy steps",
            Assert.Single(CtlArgs.ParseMinimalWith("--evaluation_strategy", "epoch", "--save_strategy", "epoch", "--eval_steps", "5").Warnings));
        Assert.Equal("--mining_depth 50 has no effect without --mine_hard_negatives bm25, dense or hybrid",
            Assert.Single(CtlArgs.ParseMinimalWith("--mining_depth", "50").Warnings));
        Assert.Empty(CtlArgs.ParseMinimalWith("--mining_depth", "50", "--mine_hard_negatives", "bm25", "--full_dataset_file_path", "d.pkl").Warnings);
    }
}

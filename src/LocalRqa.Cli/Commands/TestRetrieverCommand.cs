using LocalRqa.Display;
using LocalRqa.Jobs;
using LocalRqa.Retrieval;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa test-retriever`: LocalRQA's scripts/test/test_retriever.py, with the same flags and files.</summary>
internal static class TestRetrieverCommand
{
    public static Command Create() => new("test-retriever", "Evaluate a retriever (dense, BM25 or both fused) on questions with gold documents.",
        [TestRetrieverArguments.Schema, HybridArguments.Schema], (arguments, log) =>
        {
            TestRetrieverJob.Run(arguments.Get<TestRetrieverArguments>(), log, (label, total) => new ProgressLine(label, Console.Error, total),
                hybrid: arguments.Get<HybridArguments>());
            return 0;
        });
}

using LocalRqa.Display;
using LocalRqa.Jobs;
using LocalRqa.Retrieval;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa prepare-ctxs`: DCA files (questions with n_context retrieved passages, gold first) from LocalRQA data.</summary>
internal static class PrepareCtxsCommand
{
    public static Command Create() => new("prepare-ctxs", "Build DCA files: each question with n_context retrieved passages, its gold passage first.",
        [PrepareCtxsArguments.Schema, HybridArguments.Schema], (arguments, log) =>
        {
            PrepareCtxsJob.Run(arguments.Get<PrepareCtxsArguments>().ToRequest(arguments.Get<HybridArguments>()), log, (label, total) => new ProgressLine(label, Console.Error, total));
            return 0;
        });
}

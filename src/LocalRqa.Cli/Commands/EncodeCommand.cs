using LocalRqa.Display;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Jobs;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa encode`: embeddings of JSONL texts, a stable interface for checks and scripts.</summary>
internal static class EncodeCommand
{
    public static Command Create() => new("encode", "Embed texts with a retriever model.", [EncodeArguments.Schema], (arguments, log) =>
    {
        var request = arguments.Get<EncodeArguments>().ToRequest(ModelLocator.Resolve);
        ProgressLine? progress = null;
        var count = EncodeJob.Run(request, total => progress = new ProgressLine("encoding", Console.Error, total), log);
        progress?.Finish();
        log.WriteLine($"wrote {count} embeddings to {request.OutputPath}");
        return 0;
    });
}

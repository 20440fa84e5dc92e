using LocalRqa.Arguments;
using LocalRqa.Logging;
using LocalRqa.Retrieval;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Jobs;

/// <summary>
/// `rqa train ctl|dca|rpg`: the method's flags (the shared <see cref="TrainingArguments"/> and its own record) and its
/// <see cref="TrainingAlgorithm"/>, run by the one <see cref="TrainingRun"/>.
/// </summary>
internal static class TrainJob
{
    /// <summary>The training methods, by the name the command line uses.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["ctl", "dca", "rpg"];

    /// <summary>The flags of <paramref name="method"/>: the shared ones first, the fusion flags last.</summary>
    public static IReadOnlyList<ArgumentSchema> Schemas(string method) => [TrainingArguments.Schema, method switch
    {
        "ctl" => CtlArguments.Schema,
        "dca" => DcaArguments.Schema,
        "rpg" => RpgArguments.Schema,
        _ => throw new ArgumentException($"unknown training method '{method}' (expected {string.Join(", ", Methods)})"),
    }, HybridArguments.Schema];

    /// <summary>The algorithm of <paramref name="method"/> for the parsed flags.</summary>
    public static TrainingAlgorithm Algorithm(string method, ArgumentSet arguments) => method switch
    {
        "ctl" => new CtlAlgorithm(arguments),
        "dca" => new DcaAlgorithm(arguments),
        "rpg" => new RpgAlgorithm(arguments),
        _ => throw new ArgumentException($"unknown training method '{method}' (expected {string.Join(", ", Methods)})"),
    };

    /// <inheritdoc cref="TrainingRun.Run"/>
    public static TrainerState Run(string method, ArgumentSet arguments, RunLog log, Action<Trainer>? onTrainerCreated = null,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null) =>
        TrainingRun.Run(Algorithm(method, arguments), arguments, log, onTrainerCreated, startProgress, resolveModel);
}

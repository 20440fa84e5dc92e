using System.Runtime.InteropServices;
using LocalRqa.Logging;
using LocalRqa.Training;

namespace LocalRqa.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (what Slurm and Kubernetes send before SIGKILL) during `rqa train`: once the trainer
/// runs, the first one asks it to stop after the step in progress, with a checkpoint; a second one, or one before
/// training starts, ends the process at once (checkpoints are staged and renamed, so the last complete one stays).
/// A stopped run exits 130 (SIGINT) or 143 (SIGTERM), never 0.
/// </summary>
internal sealed class TrainingSignals : IDisposable
{
    readonly RunLog log;
    readonly PosixSignalRegistration interrupt;
    readonly PosixSignalRegistration terminate;
    volatile Trainer? trainer;

    public TrainingSignals(RunLog log)
    {
        this.log = log;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>The signal that stopped the run, if one did.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>From now on the first signal stops this trainer gracefully.</summary>
    public void Watch(Trainer watched) => trainer = watched;

    void Handle(PosixSignalContext context)
    {
        var name = context.Signal == PosixSignal.SIGINT ? "Ctrl-C" : "SIGTERM";
        if (Received is not null || trainer is null)
        {
            // The default action: the process ends now.
            log.WriteLine(trainer is null ? $"{name}: stopping now (training has not started, nothing to checkpoint)" : $"{name} again: aborting now");
            context.Cancel = false;
            return;
        }
        Received = context.Signal;
        context.Cancel = true;
        log.WriteLine($"{name}: stopping after this step (a checkpoint will be saved); press Ctrl-C again to abort");
        trainer.RequestStop();
    }

    /// <summary>0 for a finished run; 130 or 143 (128 + the signal) for one a signal stopped early.</summary>
    public int ExitCode(TrainerState state) =>
        !state.StoppedEarly ? 0 : Received == PosixSignal.SIGTERM ? 143 : 130;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
    }
}

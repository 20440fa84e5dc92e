using System.Diagnostics;
using LocalRqa.Data.Dca;
using LocalRqa.Teachers.Fid;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// A real `rqa train dca` process killed (SIGKILL) while the reader scores its passages, before the first checkpoint:
/// `--resume_from_checkpoint true` continues the scoring where it stopped, trains from step 0 and ends with the scores
/// and the model of an uninterrupted run; scores made for other inputs are not reused.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainDcaKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-dca-kill-").FullName;
    readonly FaireSlice slice;

    public TrainDcaKillTests() => slice = FaireSlice.Create(work, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, leadingDocuments: 30);

    public void Dispose() => Directory.Delete(work, true);

    ProcessStartInfo Rqa(string output, params string[] extra) =>
        RqaProcess.StartInfo(TrainDcaCommandTests.SmallRun(slice.Train, slice.Eval, slice.Documents, output, extra));

    /// <summary>Runs rqa to its end; every run of a test is a child process, so all of them compute alike.</summary>
    static async Task<(int ExitCode, string Stderr)> Complete(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stderr);
    }

    /// <summary>Starts a run whose scoring pauses after each saved batch, and kills it once the first batch (2 questions) is saved.</summary>
    /// <returns>the number of questions the run scores</returns>
    async Task<int> KillAfterTheFirstScoredBatch(string output)
    {
        const string marker = "reader scores saved through question 2 of ";
        var total = 0;
        var start = Rqa(output);
        start.Environment[PassageScoring.KillTestDelayVariable] = "60000";
        using var process = Process.Start(start)!;
        var killed = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(marker) != true) return;
            process.Kill(entireProcessTree: true);
            total = int.Parse(e.Data[marker.Length..]);
            killed.Set();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(killed.Wait(TimeSpan.FromSeconds(120)), "the run never saved its first batch of reader scores");
        await process.WaitForExitAsync();
        return total;
    }

    [Fact]
    public async Task KilledDuringReaderScoringResumesTheScoresAndEndsAsAnUninterruptedRun()
    {
        var straight = Path.Combine(work, "straight");
        var (code, stderr) = await Complete(Rqa(straight));
        Assert.True(code == 0, stderr);

        var output = Path.Combine(work, "killed");
        var questions = await KillAfterTheFirstScoredBatch(output);
        var partial = Path.Combine(output, "train_ctxs_wscore.json.partial");
        Assert.Equal(3, File.ReadAllLines(partial).Length); // the header and the first batch's two questions
        Assert.Empty(Directory.GetDirectories(output, "checkpoint-*"));
        var savedPartial = Path.Combine(work, "killed.partial");
        File.Copy(partial, savedPartial);
        // A kill in the middle of the next batch's write would leave a torn record: it is dropped, not read.
        File.AppendAllText(partial, "{\"index\":2,\"id\":\"2\",\"inputs\":\"");

        // A plain rerun is refused, naming the flag that continues the run.
        (code, stderr) = await Complete(Rqa(output));
        Assert.Equal(2, code);
        Assert.Contains("stopped before its first checkpoint; pass --resume_from_checkpoint true to continue it", stderr);

        (code, stderr) = await Complete(Rqa(output, "--resume_from_checkpoint", "true"));
        Assert.True(code == 0, stderr);
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("incomplete last line", log);
        Assert.Contains($"reusing the saved scores of 2 of {questions} questions", log);
        Assert.Contains("training starts over from step 0", log);
        Assert.DoesNotContain("no checkpoint to resume from", stderr);
        Assert.False(File.Exists(partial));
        // The same machine, the same batches: the scores and the trained weights are bit for bit the uninterrupted run's.
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "train_ctxs_wscore.json")), File.ReadAllBytes(Path.Combine(output, "train_ctxs_wscore.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(output, "model.safetensors")));

        // The killed run's scores given to a run over other inputs: another reader discards them, other ctxs ignore theirs.
        var otherReader = Path.Combine(work, "other-reader");
        Directory.CreateDirectory(otherReader);
        File.Copy(savedPartial, Path.Combine(otherReader, "train_ctxs_wscore.json.partial"));
        (code, stderr) = await Complete(Rqa(otherReader, "--resume_from_checkpoint", "true", "--reader_model_path", TestPaths.Fixture("t5-tiny-tied"),
            "--max_steps", "1"));
        Assert.True(code == 0, stderr);
        Assert.Contains("discarding", stderr);
        Assert.DoesNotContain("reusing the saved scores", stderr);
        var otherCtxs = Path.Combine(work, "other-ctxs");
        Directory.CreateDirectory(otherCtxs);
        File.Copy(savedPartial, Path.Combine(otherCtxs, "train_ctxs_wscore.json.partial"));
        (code, stderr) = await Complete(Rqa(otherCtxs, "--resume_from_checkpoint", "true", "--n_context", "3", "--max_steps", "1"));
        Assert.True(code == 0, stderr);
        Assert.Contains("ignoring 2 records of questions whose text or ctxs changed", stderr);
        Assert.DoesNotContain("reusing the saved scores", stderr);
        Assert.All(DcaFileReader.Read(Path.Combine(otherCtxs, "train_ctxs_wscore.json")), q => Assert.Equal(3, q.Contexts.Count));
    }
}

using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Runtime;

/// <summary>
/// The allocator's two settings, seen through the page faults they cost: a 16 MiB tensor allocated and freed over and
/// over is mapped afresh each time under the training threshold, and reused from the heap inside an inference scope.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class GlibcMallocTests
{
    /// <summary>This process's minor page faults so far (/proc/self/stat, field 10).</summary>
    static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
        return long.Parse(fields[10 - 3]);
    }

    static long FaultsOfRepeatedBlocks()
    {
        var before = MinorFaults();
        for (var i = 0; i < 40; i++)
        {
            using var block = ones(4 << 20); // 16 MiB of float32, every page written
        }
        return MinorFaults() - before;
    }

    [Fact]
    public void AnInferenceScopeReusesLargeBlocksButNotInATrainingProcess()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("RQA_MALLOC_TUNING") == "0") return;
        TorchRuntime.Initialize();
        var wasTraining = GlibcMalloc.TrainingProcess; // in-process training tests set it for the rest of the run
        try
        {
            GlibcMalloc.TrainingProcess = false;
            long inference;
            using (GlibcMalloc.ForInference())
            {
                Assert.True(GlibcMalloc.InInferenceScope);
                inference = FaultsOfRepeatedBlocks();
            }
            Assert.False(GlibcMalloc.InInferenceScope);
            // Mapped afresh each time (the training threshold, 4 MiB) 40 blocks fault about 40 × 4,096 times; reused, the
            // first block's 4,096 and little more.
            Assert.True(inference < 40 * 4096 / 4, $"inference scope: {inference} faults for 40 blocks of 16 MiB");

            GlibcMalloc.TrainingProcess = true;
            using (GlibcMalloc.ForInference()) Assert.False(GlibcMalloc.InInferenceScope); // a training process keeps its threshold
        }
        finally
        {
            GlibcMalloc.TrainingProcess = wasTraining;
        }
    }
}

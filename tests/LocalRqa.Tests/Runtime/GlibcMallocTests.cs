using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Runtime;

/// <summary>
/// The allocator's inference scope: open (the inference threshold in force) for inference in a process that does not
/// train, nested scopes closing with the outermost, and never opened in a training process. Its effect on page faults is
/// measured by `bench encode` and `bench search` (docs/benchmarks.md), not here: whether glibc reuses a freed block
/// depends on which arena the calling thread got and what else that arena holds, which a test runner does not control.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class GlibcMallocTests
{
    [Fact]
    public void TheInferenceScopeOpensOutsideTrainingOnly()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("RQA_MALLOC_TUNING") == "0") return;
        TorchRuntime.Initialize();
        var wasTraining = GlibcMalloc.TrainingProcess; // in-process training tests set it for the rest of the run
        try
        {
            GlibcMalloc.TrainingProcess = false;
            using (GlibcMalloc.ForInference())
            {
                Assert.True(GlibcMalloc.InInferenceScope);
                using (GlibcMalloc.ForInference()) Assert.True(GlibcMalloc.InInferenceScope);
                Assert.True(GlibcMalloc.InInferenceScope); // the inner scope's end leaves the outer one open
                using (var block = ones(4 << 20)) Assert.Equal(4 << 20, block.numel()); // 16 MiB allocated and freed inside
            }
            Assert.False(GlibcMalloc.InInferenceScope);

            GlibcMalloc.TrainingProcess = true;
            using (GlibcMalloc.ForInference()) Assert.False(GlibcMalloc.InInferenceScope); // a training process keeps its threshold
        }
        finally
        {
            GlibcMalloc.TrainingProcess = wasTraining;
        }
    }
}

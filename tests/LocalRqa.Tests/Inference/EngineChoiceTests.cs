using LocalRqa.Inference;

namespace LocalRqa.Tests.Inference;

public sealed class EngineChoiceTests
{
    [Theory]
    // auto: ONNX Runtime for long passes off Intel (oneMKL's slow path there), TorchSharp otherwise
    [InlineData(null, 50_000, "AuthenticAMD", "OnnxRuntime")]
    [InlineData("auto", 49_999, "AuthenticAMD", "Torch")]
    [InlineData("", 1_000_000, "GenuineIntel", "Torch")]
    [InlineData(null, 1_000_000, "HygonGenuine", "OnnxRuntime")]
    // a setting wins whatever the pass and the CPU
    [InlineData("torch", 1_000_000, "AuthenticAMD", "Torch")]
    [InlineData(" ONNX ", 10, "GenuineIntel", "OnnxRuntime")]
    [InlineData("onnxruntime", 10, "GenuineIntel", "OnnxRuntime")]
    public void PicksByTheSettingThenByPassLengthAndVendor(string? setting, long tokens, string vendor, string expected) =>
        Assert.Equal(Enum.Parse<InferenceEngine>(expected), EngineChoice.For(setting, tokens, vendor));

    [Fact]
    public void AnUnknownSettingIsAnErrorNamingTheVariable()
    {
        var error = Assert.Throws<RqaException>(() => EngineChoice.For("gpu", 10, "GenuineIntel"));
        Assert.Equal("RQA_ENGINE must be auto, torch or onnx, got 'gpu'", error.Message);
    }

    [Fact]
    public void TheVendorIsCpuidsTwelveCharacters()
    {
        var vendor = EngineChoice.CpuVendor();
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) { Assert.Equal("", vendor); return; }
        Assert.Equal(12, vendor.Length);
        // /proc/cpuinfo's vendor_id is the same string on Linux.
        var cpuinfo = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        if (cpuinfo != null) Assert.Equal(cpuinfo.Split(':')[1].Trim(), vendor);
    }
}

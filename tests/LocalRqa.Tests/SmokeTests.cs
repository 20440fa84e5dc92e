namespace LocalRqa.Tests;

public class SmokeTests
{
    [Fact]
    public void TorchLoads()
    {
        using var a = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4.0f, TorchSharp.torch.matmul(a, a).sum().item<float>() / 4);
    }
}

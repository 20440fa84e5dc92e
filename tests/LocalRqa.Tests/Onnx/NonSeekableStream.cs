namespace LocalRqa.Tests.Onnx;

/// <summary>A memory stream that refuses to seek, like a network or pipe stream.</summary>
internal sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
    public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
}

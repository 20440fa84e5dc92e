using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using LocalRqa.Training.Reports;

namespace LocalRqa.Tests.Training.Reports;

public sealed class TensorBoardWriterTests : IDisposable
{
    static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    readonly string folder = Directory.CreateTempSubdirectory("rqa-tboard-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    public void Crc32COfKnownStrings(string text, uint expected)
    {
        Assert.Equal(expected, TensorBoardCrc32C.Compute(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(expected, TensorBoardEventFileReader.Crc32CBitwise(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Crc32COfRfc3720Vectors()
    {
        Assert.Equal(0x8A9136AAu, TensorBoardCrc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, TensorBoardCrc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, TensorBoardCrc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, TensorBoardCrc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Crc32CTableMatchesBitwiseOnRandomData()
    {
        var random = new Random(7);
        foreach (var length in new[] { 1, 2, 7, 8, 9, 63, 255, 256, 1000, 4099 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(TensorBoardEventFileReader.Crc32CBitwise(data), TensorBoardCrc32C.Compute(data));
        }
    }

    [Theory]
    [InlineData(0x00000000u, 0xA282EAD8u)]
    [InlineData(0xE3069283u, 0xC78AB0E5u)]
    [InlineData(0x8A9136AAu, 0x0FD7FFFAu)]
    public void MaskRotatesRightBy15AndAddsTheDelta(uint crc, uint masked)
    {
        Assert.Equal(masked, TensorBoardCrc32C.Mask(crc));
        Assert.Equal(crc, TensorBoardEventFileReader.Unmask(masked));
    }

    [Fact]
    public void MaskedComputeIsTheMaskOfTheCrc()
    {
        Assert.Equal(0xC78AB0E5u, TensorBoardCrc32C.MaskedCompute("123456789"u8));
        Assert.Equal(0x0FD7FFFAu, TensorBoardCrc32C.MaskedCompute(new byte[32]));
        Assert.Equal(0xA282EAD8u, TensorBoardCrc32C.MaskedCompute([]));
    }

    [Fact]
    public void RecordFramingHasLengthDataAndMaskedCrcs()
    {
        byte[] data = [1, 2, 3, 250, 0];
        var record = TensorBoardRecord.Frame(data);
        Assert.Equal(data.Length + 16, record.Length);
        Assert.Equal((ulong)data.Length, BinaryPrimitives.ReadUInt64LittleEndian(record));
        Assert.Equal(TensorBoardCrc32C.Mask(TensorBoardCrc32C.Compute(record.AsSpan(0, 8))), BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(8)));
        Assert.Equal(data, record[12..17]);
        Assert.Equal(TensorBoardCrc32C.Mask(TensorBoardCrc32C.Compute(data)), BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(17)));
        Assert.Equal(data, Assert.Single(TensorBoardEventFileReader.ReadRecords(record)));
        Assert.Empty(Assert.Single(TensorBoardEventFileReader.ReadRecords(TensorBoardRecord.Frame([]))));
    }

    [Fact]
    public void ProtoWriterEncodesEachWireType()
    {
        var bytes = new TensorBoardProtoWriter()
            .Int64(2, 300)
            .Int64(2, -1)
            .Double(1, 1.0)
            .Float(2, 1.0f)
            .String(1, "hé")
            .Bytes(16, [9])
            .ToArray();
        byte[] expected =
        [
            0x10, 0xAC, 0x02,
            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,
            0x15, 0, 0, 0x80, 0x3F,
            0x0A, 0x03, (byte)'h', 0xC3, 0xA9,
            0x82, 0x01, 0x01, 0x09,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void FirstRecordIsTheFileVersionEventByteForByte()
    {
        var clock = new TensorBoardTestClock(Start);
        string path;
        using (var writer = new TensorBoardWriter(folder, clock))
            path = writer.FilePath;

        var wallTime = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(wallTime, 1_700_000_000.25);
        byte[] evt = [0x09, .. wallTime, 0x1A, 13, .. "brain.Event:2"u8];
        var record = new byte[8 + 4 + evt.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)evt.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), TensorBoardCrc32C.MaskedCompute(record.AsSpan(0, 8)));
        evt.CopyTo(record, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + evt.Length), TensorBoardCrc32C.MaskedCompute(evt));
        Assert.Equal(record, File.ReadAllBytes(path));
    }

    [Fact]
    public void ScalarsReadBackWithTagsStepsValuesAndWallTimes()
    {
        var clock = new TensorBoardTestClock(Start);
        using var writer = new TensorBoardWriter(Path.Combine(folder, "runs", "ctl"), clock);
        var logged = new (string Tag, double Value, long Step)[]
        {
            ("train/loss", 2.3456789, 0),
            ("train/learning_rate", 2e-5, 10),
            ("eval/recall@4", 0.0, 20),
            ("train/loss", double.NaN, 30),
            ("train/grad_norm", double.PositiveInfinity, 5_000_000_000),
            ("débogage/écart", -1.5, -3),
        };
        for (var i = 0; i < logged.Length; i++)
        {
            clock.Now = Start.AddSeconds(i + 1);
            writer.AddScalar(logged[i].Tag, logged[i].Value, logged[i].Step);
        }

        // Read while the writer is still open: each event was flushed as it was written.
        var events = TensorBoardEventFileReader.Read(writer.FilePath);
        Assert.Equal(logged.Length + 1, events.Count);
        var version = events[0];
        Assert.Equal(TensorBoardWriter.FileVersion, version.FileVersion);
        Assert.Equal("brain.Event:2", version.FileVersion);
        Assert.Equal(1_700_000_000.25, version.WallTime);
        Assert.Equal(0, version.Step);
        Assert.Empty(version.Scalars);
        Assert.Empty(version.OtherFields);
        for (var i = 0; i < logged.Length; i++)
        {
            var evt = events[i + 1];
            Assert.Null(evt.FileVersion);
            Assert.Empty(evt.OtherFields);
            Assert.Equal(1_700_000_000.25 + i + 1, evt.WallTime);
            Assert.Equal(logged[i].Step, evt.Step);
            var (tag, value) = Assert.Single(evt.Scalars);
            Assert.Equal(logged[i].Tag, tag);
            Assert.Equal((float)logged[i].Value, value);
        }
    }

    [Fact]
    public void FileIsNamedAfterTimeAndHostAndNeverReused()
    {
        var clock = new TensorBoardTestClock(Start);
        using var first = new TensorBoardWriter(folder, clock);
        using var second = new TensorBoardWriter(folder, clock);
        var name = Path.GetFileName(first.FilePath);
        Assert.StartsWith("events.out.tfevents.1700000000.", name);
        Assert.True(name.Length > "events.out.tfevents.1700000000.".Length);
        Assert.Equal(first.FilePath + ".1", second.FilePath);
        first.AddScalar("a", 1, 1);
        second.AddScalar("b", 2, 1);
        Assert.Equal("a", TensorBoardEventFileReader.Read(first.FilePath)[1].Scalars[0].Tag);
        Assert.Equal("b", TensorBoardEventFileReader.Read(second.FilePath)[1].Scalars[0].Tag);
    }

    [Fact]
    public void DefaultClockGivesCurrentWallTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using var writer = new TensorBoardWriter(folder);
        writer.AddScalar("x", 1, 1);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var events = TensorBoardEventFileReader.Read(writer.FilePath);
        Assert.All(events, e => Assert.InRange(e.WallTime, before - 0.001, after + 0.001));
    }

    [Fact]
    public void DisposedWriterRefusesScalarsAndKeepsTheFile()
    {
        var writer = new TensorBoardWriter(folder, new TensorBoardTestClock(Start));
        writer.AddScalar("train/loss", 1.25, 1);
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("train/loss", 1, 2));
        Assert.Equal(2, TensorBoardEventFileReader.Read(writer.FilePath).Count);
        Assert.Throws<ArgumentException>(() => new TensorBoardWriter(folder, new TensorBoardTestClock(Start)).AddScalar("", 1, 1));
    }

    [Fact]
    public void ReaderRejectsACorruptedFile()
    {
        string path;
        using (var writer = new TensorBoardWriter(folder, new TensorBoardTestClock(Start)))
        {
            writer.AddScalar("train/loss", 1.25, 1);
            path = writer.FilePath;
        }
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(2, TensorBoardEventFileReader.ReadRecords(bytes).Count);
        var flipped = (byte[])bytes.Clone();
        flipped[^6] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => TensorBoardEventFileReader.ReadRecords(flipped));
        Assert.Throws<InvalidDataException>(() => TensorBoardEventFileReader.ReadRecords(bytes[..^1]));
    }

    [TensorBoardPythonFact]
    public void PythonTensorBoardReadsTheFile()
    {
        string path;
        using (var writer = new TensorBoardWriter(folder))
        {
            writer.AddScalar("train/loss", 2.5, 1);
            writer.AddScalar("train/loss", 1.75, 2);
            writer.AddScalar("eval/recall@4", 0.625, 2);
            path = writer.FilePath;
        }
        var script = Path.Combine(folder, "read_events.py");
        File.WriteAllText(script, """
            import sys
            path = sys.argv[1]
            try:
                from tensorboard.backend.event_processing import event_file_loader as loaders
                # The legacy loader yields the events as stored, without the read-time compat rewrites.
                events = (getattr(loaders, "LegacyEventFileLoader", None) or loaders.EventFileLoader)(path).Load()
            except ImportError:
                import tensorflow as tf
                events = tf.compat.v1.train.summary_iterator(path)
            for e in events:
                if e.WhichOneof("what") == "file_version":
                    print("version", e.file_version, sep="\t")
                for v in e.summary.value:
                    if v.WhichOneof("value") == "simple_value":
                        value = v.simple_value
                    else:
                        from tensorboard.util import tensor_util
                        value = tensor_util.make_ndarray(v.tensor).item()
                    print("scalar", v.tag, e.step, repr(float(value)), sep="\t")
            """);
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["version\tbrain.Event:2", "scalar\ttrain/loss\t1\t2.5", "scalar\ttrain/loss\t2\t1.75", "scalar\teval/recall@4\t2\t0.625"],
            lines.Select(l => l.TrimEnd('\r')));
    }
}

using LocalRqa.Files;

namespace LocalRqa.Tests.Files;

/// <summary>Outputs named by the user: devices and FIFOs are written in place, symlinks kept, regular files replaced whole.</summary>
public sealed class AtomicFileTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-atomic-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    string[] Entries() => Directory.GetFileSystemEntries(work, "*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(work, e)).Order().ToArray();

    [Fact]
    public void ADeviceIsWrittenInPlaceNotReplaced()
    {
        var device = SpecialFiles.NullDevice(work);
        AtomicFile.WriteAllText(device, "discarded\n");
        AtomicFile.CheckWritable(device);
        Assert.Equal("character special file", SpecialFiles.TypeOf(device));
        Assert.Equal(device == "/dev/null" ? [] : ["null"], Entries());
    }

    [Fact]
    public void AFifoGetsTheWholeContentAndStaysAFifo()
    {
        var fifo = SpecialFiles.Fifo(work);
        var read = SpecialFiles.StartReading(fifo);
        // More than a pipe's 64 KiB buffer: the writer must wait for the reader, not finish alone.
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}\n"));
        AtomicFile.CheckWritable(fifo); // must not open the FIFO: that would wait for a reader
        AtomicFile.WriteAllText(fifo, text);
        Assert.Equal(text, read(TimeSpan.FromSeconds(30)));
        Assert.Equal("fifo", SpecialFiles.TypeOf(fifo));
        Assert.Equal(["fifo"], Entries());
    }

    [Fact]
    public void ASymlinkStaysALinkAndItsTargetGetsTheContent()
    {
        Directory.CreateDirectory(Path.Combine(work, "sub"));
        var target = Path.Combine(work, "sub", "real.json");
        File.WriteAllText(target, "old");
        var link = Path.Combine(work, "out.json");
        File.CreateSymbolicLink(link, Path.Combine("sub", "real.json")); // relative, as `ln -s sub/real.json out.json`
        AtomicFile.CheckWritable(link);
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(["out.json", "sub", Path.Combine("sub", "real.json")], Entries());

        // A dangling link: its target is created.
        var dangling = Path.Combine(work, "next.json");
        File.CreateSymbolicLink(dangling, Path.Combine(work, "sub", "later.json"));
        AtomicFile.WriteAllText(dangling, "created");
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(dangling));
        Assert.Equal("created", File.ReadAllText(Path.Combine(work, "sub", "later.json")));
    }

    [Fact]
    public void AFolderIsRefused()
    {
        var error = Assert.Throws<RqaException>(() => AtomicFile.WriteAllText(work, "x"));
        Assert.Contains("is a folder", error.Message);
    }

    [Fact]
    public void TheInputIsRecognisedHoweverItIsSpelt()
    {
        var input = Path.Combine(work, "in.jsonl");
        File.WriteAllText(input, "{}\n");
        var link = Path.Combine(work, "link.jsonl");
        File.CreateSymbolicLink(link, input);
        var hardLink = Path.Combine(work, "hard.jsonl");
        SpecialFilesLink(input, hardLink);
        foreach (var output in new[] { input, link, hardLink, Path.Combine(work, "sub", "..", "in.jsonl") })
        {
            var error = Assert.Throws<RqaException>(() => OutputTarget.RefuseInput(output, input, "--output"));
            Assert.Equal($"{output}: would overwrite the input {input}; choose another --output", error.Message);
        }
        OutputTarget.RefuseInput(Path.Combine(work, "other.jsonl"), input, "--output");
        File.WriteAllText(Path.Combine(work, "copy.jsonl"), "{}\n");
        OutputTarget.RefuseInput(Path.Combine(work, "copy.jsonl"), input, "--output");
    }

    static void SpecialFilesLink(string existing, string link)
    {
        using var process = System.Diagnostics.Process.Start("ln", [existing, link]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}

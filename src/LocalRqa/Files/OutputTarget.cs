namespace LocalRqa.Files;

/// <summary>
/// Where an output path really leads. A regular file, or a path with nothing there yet, is written atomically: a new
/// file beside it renamed onto it, and through a symlink beside and onto the link's final target, so the link stays a
/// link. A device, FIFO or socket (/dev/null, a pipe), or an open descriptor named by a path (/dev/stdout,
/// /proc/self/fd/1), is written through in place (<see cref="Streams"/>): a rename would replace the node itself.
/// </summary>
/// <param name="Path">the file to replace (the symlink's final target), or the path as given when it streams</param>
internal sealed record OutputTarget(string Path, bool Streams)
{
    const int MaxLinks = 40; // Linux's own limit (ELOOP)

    public static OutputTarget Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var node = FileNode.Of(full);
        if (node?.Kind == FileNodeKind.Directory) throw new RqaException($"{path}: is a folder, expected a file path");
        if (node?.Kind == FileNodeKind.Special) return new OutputTarget(full, Streams: true);
        var current = full;
        for (var links = 0; links <= MaxLinks; links++)
        {
            if (NamesDescriptor(current)) return new OutputTarget(full, Streams: true);
            if (new FileInfo(current).LinkTarget is not { } link) return new OutputTarget(current, Streams: false);
            current = System.IO.Path.GetFullPath(link, System.IO.Path.GetDirectoryName(current)!);
        }
        throw new RqaException($"{path}: too many levels of symbolic links");
    }

    /// <summary>
    /// Throws when <paramref name="output"/> is the file <paramref name="input"/> (however either is spelt): writing the
    /// output would destroy the input before, or while, it is read.
    /// </summary>
    public static void RefuseInput(string output, string input, string outputFlag)
    {
        if (System.IO.Path.GetFullPath(output) == System.IO.Path.GetFullPath(input) || FileNode.SameFile(output, input))
            throw new RqaException($"{output}: would overwrite the input {input}; choose another {outputFlag}");
    }

    /// <summary>/proc/self/fd/N and /dev/fd/N name whatever the process has open there (a terminal, a pipe, a file).</summary>
    static bool NamesDescriptor(string full) =>
        full.StartsWith("/proc/", StringComparison.Ordinal) || full.StartsWith("/dev/fd/", StringComparison.Ordinal);
}

namespace LocalRqa.Files;

/// <summary>What a path names, as far as writing to it goes.</summary>
internal enum FileNodeKind
{
    /// <summary>A regular file: it can be replaced by renaming a new file onto it.</summary>
    Regular,
    Directory,
    /// <summary>A character or block device, a FIFO or a socket (/dev/null, a pipe): written in place, never replaced.</summary>
    Special,
}

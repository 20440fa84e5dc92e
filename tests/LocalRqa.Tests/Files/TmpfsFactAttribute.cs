namespace LocalRqa.Tests.Files;

/// <summary>A fact that needs a <see cref="Tmpfs"/>: skipped, with the reason, where none can be mounted.</summary>
sealed class TmpfsFactAttribute : FactAttribute
{
    static readonly Lazy<string?> Missing = new(Tmpfs.Unavailable);

    public TmpfsFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}

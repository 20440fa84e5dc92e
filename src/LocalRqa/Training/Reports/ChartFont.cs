using SkiaSharp;

namespace LocalRqa.Training.Reports;

/// <summary>
/// Picks a font family for chart text. ScottPlot's SkiaSharp (the NativeAssets.Linux.NoDependencies build) does not use
/// fontconfig: it scans /usr/share/fonts itself, and with no font there text is silently not drawn. So we look in the
/// usual folders too, register what we find, and say so when nothing is usable.
/// </summary>
static class ChartFont
{
    static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans"];

    static readonly Lazy<(string? Family, string? Warning)> Resolved = new(Resolve);

    /// <summary>The family to draw text with, or null when no font could be found.</summary>
    public static string? Family => Resolved.Value.Family;

    /// <summary>Why charts have no text, or null when they have.</summary>
    public static string? Warning => Resolved.Value.Warning;

    static (string?, string?) Resolve()
    {
        if (Installed() is { } family) return (family, null);
        foreach (var file in FontFiles())
        {
            try
            {
                using var typeface = SKTypeface.FromFile(file);
                if (typeface is null || typeface.GlyphCount == 0) continue;
                ScottPlot.Fonts.AddFontFile(typeface.FamilyName, file);
                return (typeface.FamilyName, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { }
        }
        return (null, "no font found (install e.g. fonts-dejavu-core); charts are drawn without text");
    }

    /// <summary>A sans family the font manager knows, else any family with glyphs.</summary>
    static string? Installed()
    {
        var families = SKFontManager.Default.FontFamilies.Where(f => !string.IsNullOrEmpty(f)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Preferred.Where(families.Contains).Concat(families.Order(StringComparer.Ordinal)))
        {
            using var typeface = SKTypeface.FromFamilyName(name);
            if (typeface is { GlyphCount: > 0 } && typeface.ContainsGlyphs("Step0.9")) return name;
        }
        return null;
    }

    static IEnumerable<string> FontFiles()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders = ["/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".local/share/fonts"), Path.Combine(home, ".fonts")];
        var files = new List<string>();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            try { files.AddRange(Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        // Sans regular faces first, so labels look like the usual plots.
        return files.OrderBy(f => Path.GetFileName(f).Contains("Sans", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(f => Path.GetFileNameWithoutExtension(f).Length)
            .ThenBy(f => f, StringComparer.Ordinal);
    }
}

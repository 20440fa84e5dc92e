using System.Text.Json;
using LocalRqa.BuiltIn;
using LocalRqa.Hub;

namespace LocalRqa.Training.Reports;

/// <summary>
/// What a model card records as `base_model`: something a reader elsewhere can use. A HuggingFace id (or a built-in
/// model, by its Hub id) as such, also when given as the folder a cache keeps it in; any other local folder by its
/// absolute path, since a path relative to where training ran means nothing to the card's reader.
/// </summary>
internal static class BaseModelReference
{
    /// <summary>The reference for `--model_name_or_path`, decided as <see cref="ModelResolver"/> decides: an existing folder wins.</summary>
    public static string For(string nameOrPath)
    {
        var text = nameOrPath.Trim();
        var path = HubSettings.ExpandHome(text, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        if (Directory.Exists(path))
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            return CachedHubId(folder) ?? folder;
        }
        return BuiltInModels.Find(text)?.HubId ?? text;
    }

    /// <summary>Whether <paramref name="reference"/> (from <see cref="For"/>) names a model on the Hub rather than a folder.</summary>
    public static bool IsHubId(string reference) =>
        !Path.IsPathRooted(reference) && !reference.StartsWith('.') && reference.Count(c => c == '/') <= 1;

    /// <summary>
    /// The Hub id of a folder that is a cache's copy of a Hub model: a snapshot of the HuggingFace cache
    /// (.../models--org--name/snapshots/{commit}) or a built-in model's converted folder (its marker names the id).
    /// </summary>
    static string? CachedHubId(string folder)
    {
        var marker = Path.Combine(folder, BuiltInFolderWriter.CompletionMarker);
        if (File.Exists(marker))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(marker));
                if (json.RootElement.TryGetProperty("hub_id", out var id) && id.ValueKind == JsonValueKind.String) return id.GetString();
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException) { }
        }
        var snapshots = Path.GetDirectoryName(folder);
        var repo = snapshots is null ? null : Path.GetFileName(Path.GetDirectoryName(snapshots));
        if (Path.GetFileName(snapshots) != "snapshots" || repo is null || !repo.StartsWith("models--", StringComparison.Ordinal)) return null;
        // HF forbids "--" inside owner and name, so the cache folder splits back into the id.
        var parts = repo["models--".Length..].Split("--");
        return parts is [var name] ? name : parts is [var owner, var model] ? $"{owner}/{model}" : null;
    }
}

using LocalRqa.BuiltIn;
using LocalRqa.Hub;

namespace LocalRqa.Training.Reports;

/// <summary>
/// What a model card records as `base_model`: something a reader elsewhere can use. A HuggingFace id (or a built-in
/// model, by its Hub id) as such; a local folder by its absolute path, since a path relative to where training ran
/// means nothing to the card's reader.
/// </summary>
public static class BaseModelReference
{
    /// <summary>The reference for `--model_name_or_path`, decided as <see cref="ModelResolver"/> decides: an existing folder wins.</summary>
    public static string For(string nameOrPath)
    {
        var text = nameOrPath.Trim();
        var path = HubSettings.ExpandHome(text, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        if (Directory.Exists(path)) return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return BuiltInModels.Find(text)?.HubId ?? text;
    }

    /// <summary>Whether <paramref name="reference"/> (from <see cref="For"/>) names a model on the Hub rather than a folder.</summary>
    public static bool IsHubId(string reference) => !Path.IsPathRooted(reference) && !reference.StartsWith('.') && reference.Count(c => c == '/') <= 1;
}

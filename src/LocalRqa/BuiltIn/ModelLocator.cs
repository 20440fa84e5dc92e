using LocalRqa.Hub;

namespace LocalRqa.BuiltIn;

/// <summary>
/// Turns `--model_name_or_path` into a local folder: a local path, else a built-in model (offline), else the
/// HuggingFace cache, else a download (see <see cref="ModelResolver"/>). It lives here, not in Hub, so that Hub
/// knows nothing of built-in models: <see cref="ModelResolver"/> takes them as a function.
/// </summary>
internal static class ModelLocator
{
    public const string DefaultModel = "Snowflake/snowflake-arctic-embed-xs";

    public static string Resolve(string nameOrPath) =>
        new ModelResolver(Settings(), BuiltInModels.TryGetFolder).Resolve(nameOrPath);

    /// <summary>The environment's hub settings, naming the built-in models at hand in the advice of a failed download.</summary>
    static HubSettings Settings() => HubSettings.FromEnvironment() with { BuiltInModels = [.. BuiltInModels.Available().Select(m => m.HubId)] };
}

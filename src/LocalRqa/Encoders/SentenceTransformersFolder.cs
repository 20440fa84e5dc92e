using System.Text.Json;
using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;

namespace LocalRqa.Encoders;

/// <summary>
/// The sentence-transformers files of a model folder: `modules.json` lists the pipeline (Transformer,
/// Pooling in `1_Pooling/config.json`, optional Normalize), `sentence_bert_config.json` the max length and
/// `config_sentence_transformers.json` the prompts and similarity function.
/// </summary>
public static class SentenceTransformersFolder
{
    public const string Modules = "modules.json";
    public const string PoolingFolder = "1_Pooling";
    public const string SentenceBertConfig = "sentence_bert_config.json";
    public const string SentenceTransformersConfig = "config_sentence_transformers.json";
    const string NormalizeType = "sentence_transformers.models.Normalize";
    const string PoolingType_ = "sentence_transformers.models.Pooling";

    /// <summary>Defaults for a folder; <paramref name="fallbackMaxLength"/> applies when it says nothing.</summary>
    public static EncoderSettings ReadDefaults(string folder, int fallbackMaxLength, bool poolingOverridden)
    {
        var settings = new EncoderSettings { MaxLength = fallbackMaxLength };
        var modules = ReadJson(folder, Modules)?.AsArray();
        if (modules != null)
        {
            foreach (var module in modules)
            {
                var type = module?["type"]?.GetValue<string>();
                var path = module?["path"]?.GetValue<string>() ?? "";
                if (type == NormalizeType) settings = settings with { Normalize = true };
                if (type == PoolingType_)
                {
                    var pooling = ReadPooling(folder, Path.Combine(path, "config.json"));
                    if (pooling is null && !poolingOverridden)
                        throw new RqaException($"{Path.Combine(folder, path, "config.json")}: only CLS and mean pooling are supported; pass --pooling_type to choose one");
                    if (pooling is { } p) settings = settings with { Pooling = p };
                }
            }
        }
        if (ReadJson(folder, SentenceBertConfig)?["max_seq_length"] is JsonValue max && max.TryGetValue<int>(out var length) && length > 0)
            settings = settings with { MaxLength = length };
        if (ReadJson(folder, SentenceTransformersConfig) is JsonObject st)
        {
            var prompts = st["prompts"] as JsonObject;
            string? Prompt(params string[] names) =>
                names.Select(n => prompts?[n]?.GetValue<string>()).FirstOrDefault(p => p != null);
            settings = settings with
            {
                QueryPrompt = Prompt("query") ?? "",
                PassagePrompt = Prompt("passage", "document", "corpus") ?? "",
                SimilarityFunction = st["similarity_fn_name"]?.GetValue<string>(),
            };
        }
        return settings;
    }

    /// <summary>Writes the sentence-transformers files so Python's SentenceTransformer(folder) loads it.</summary>
    public static void Write(string folder, EncoderSettings settings, int hiddenSize)
    {
        var modules = new JsonArray
        {
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = "sentence_transformers.models.Transformer" },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = PoolingFolder, ["type"] = PoolingType_ },
        };
        if (settings.Normalize)
            modules.Add(new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = "2_Normalize", ["type"] = NormalizeType });
        WriteJson(Path.Combine(folder, Modules), modules);
        WriteJson(Path.Combine(folder, PoolingFolder, "config.json"), new JsonObject
        {
            ["word_embedding_dimension"] = hiddenSize,
            ["pooling_mode_cls_token"] = settings.Pooling == PoolingType.Cls,
            ["pooling_mode_mean_tokens"] = settings.Pooling == PoolingType.Mean,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = false,
            ["include_prompt"] = true,
        });
        if (settings.Normalize) Directory.CreateDirectory(Path.Combine(folder, "2_Normalize"));
        WriteJson(Path.Combine(folder, SentenceBertConfig), new JsonObject { ["max_seq_length"] = settings.MaxLength, ["do_lower_case"] = false });
        var prompts = new JsonObject();
        if (settings.QueryPrompt.Length > 0) prompts["query"] = settings.QueryPrompt;
        if (settings.PassagePrompt.Length > 0) prompts["passage"] = settings.PassagePrompt;
        WriteJson(Path.Combine(folder, SentenceTransformersConfig), new JsonObject
        {
            ["prompts"] = prompts,
            ["default_prompt_name"] = null,
            ["similarity_fn_name"] = settings.SimilarityFunction ?? (settings.Normalize ? "cosine" : "dot"),
        });
    }

    static PoolingType? ReadPooling(string folder, string relative)
    {
        var config = ReadJson(folder, relative);
        if (config is null) return null;
        bool On(string key) => config[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        if (On("pooling_mode_cls_token")) return PoolingType.Cls;
        if (On("pooling_mode_mean_tokens")) return PoolingType.Mean;
        return null;
    }

    static JsonNode? ReadJson(string folder, string relative)
    {
        var path = Path.Combine(folder, relative);
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new RqaException($"{path}: invalid JSON: {e.Message}"); }
    }

    internal static void WriteJson(string path, JsonNode node) =>
        AtomicFile.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}

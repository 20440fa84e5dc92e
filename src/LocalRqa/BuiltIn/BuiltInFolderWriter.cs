using System.Text;
using System.Text.Json;
using LocalRqa.Checkpoints;
using LocalRqa.Encoders;
using LocalRqa.Json;

namespace LocalRqa.BuiltIn;

/// <summary>
/// Writes a converted built-in model as the folder Hugging Face and sentence-transformers would have
/// downloaded, so every loader in the toolkit treats it like any other local model.
/// </summary>
internal static class BuiltInFolderWriter
{
    /// <summary>Written last; its presence means the folder is complete.</summary>
    public const string CompletionMarker = "localrqa_builtin.json";

    /// <summary>Bumped whenever the conversion's output changes, so cached folders of older rqa versions are redone.</summary>
    public const int ConversionVersion = 4; // 4: config.json without the stray "HeadSize" key


    public static void Write(string folder, BuiltInModel model, BuiltInConversion conversion, byte[] vocab)
    {
        Directory.CreateDirectory(folder);
        var config = model.Config;
        var eps = conversion.GraphLayerNormEps ?? config.LayerNormEps;
        CheckVocab(model, vocab);

        // config.json is the model's BertConfig (with the epsilon the graph really uses) plus the fields
        // transformers writes for every BERT, so Python tools see the file they expect.
        var configJson = JsonSerializer.SerializeToNode(config with { LayerNormEps = eps })!.AsObject();
        configJson["initializer_range"] = 0.02;
        configJson["classifier_dropout"] = null;
        configJson["torch_dtype"] = "float32";
        configJson["use_cache"] = true;
        JsonFile.Write(Path.Combine(folder, "config.json"), configJson);

        SafetensorsFile.Write(Path.Combine(folder, "model.safetensors"), conversion.StateDict,
            new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllBytes(Path.Combine(folder, "vocab.txt"), vocab);

        var specialTokens = new Dictionary<string, object?>
        {
            ["cls_token"] = "[CLS]",
            ["mask_token"] = "[MASK]",
            ["pad_token"] = "[PAD]",
            ["sep_token"] = "[SEP]",
            ["unk_token"] = "[UNK]",
        };
        WriteJson(folder, "special_tokens_map.json", specialTokens);
        WriteJson(folder, "tokenizer_config.json", new Dictionary<string, object?>(specialTokens)
        {
            ["clean_up_tokenization_spaces"] = true,
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = true,
            ["model_max_length"] = config.MaxPositionEmbeddings,
            ["never_split"] = null,
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
        });

        SentenceTransformersFolder.Write(folder, new EncoderSettings
        {
            Pooling = model.Pooling,
            Normalize = model.Normalize,
            MaxLength = model.MaxSeqLength,
            QueryPrompt = model.QueryPrompt ?? "",
            SimilarityFunction = model.SimilarityFunction,
        }, config.HiddenSize);

        WriteJson(folder, CompletionMarker, new Dictionary<string, object?>
        {
            ["conversion_version"] = ConversionVersion,
            ["hub_id"] = model.HubId,
            ["package"] = model.PackageId,
            ["package_version"] = model.PackageVersion,
            ["parameters"] = conversion.Sources.ToDictionary(kv => kv.Key, kv => kv.Value.OnnxName + (kv.Value.Transposed ? " (transposed)" : "")),
        });
    }

    /// <summary>True when the folder was completed by a conversion of the current version.</summary>
    public static bool IsComplete(string folder)
    {
        var marker = Path.Combine(folder, CompletionMarker);
        if (!File.Exists(marker)) return false;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(marker));
            return document.RootElement.TryGetProperty("conversion_version", out var version) && version.GetInt32() == ConversionVersion;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return false; }
    }

    private static void CheckVocab(BuiltInModel model, byte[] vocab)
    {
        var lines = Encoding.UTF8.GetString(vocab).Split('\n');
        var count = lines.Length - (lines[^1].Length == 0 ? 1 : 0);
        if (count != model.Config.VocabSize || lines[0].TrimEnd('\r') != "[PAD]")
            throw new RqaException($"vocab.txt of {model.PackageId} has {count} tokens starting with '{lines[0]}', config.json expects {model.Config.VocabSize} starting with [PAD]");
    }

    private static void WriteJson(string folder, string relativePath, object value) =>
        JsonFile.Write(Path.Combine(folder, relativePath), JsonSerializer.SerializeToNode(value)!);
}

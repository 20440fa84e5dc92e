using System.Text;
using System.Text.Json;
using LocalRqa.Checkpoints;
using LocalRqa.Encoders;

namespace LocalRqa.BuiltIn;

/// <summary>
/// Writes a converted built-in model as the folder Hugging Face and sentence-transformers would have
/// downloaded, so every loader in the toolkit treats it like any other local model.
/// </summary>
public static class BuiltInFolderWriter
{
    /// <summary>Written last; its presence means the folder is complete.</summary>
    public const string CompletionMarker = "localrqa_builtin.json";

    /// <summary>Bumped whenever the conversion's output changes, so cached folders of older rqa versions are redone.</summary>
    public const int ConversionVersion = 2;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string folder, BuiltInModel model, BuiltInConversion conversion, byte[] vocab)
    {
        Directory.CreateDirectory(folder);
        var config = model.Config;
        var eps = conversion.GraphLayerNormEps ?? config.LayerNormEps;
        CheckVocab(model, vocab);

        WriteJson(folder, "config.json", new Dictionary<string, object?>
        {
            ["architectures"] = new[] { "BertModel" },
            ["attention_probs_dropout_prob"] = 0.1,
            ["classifier_dropout"] = null,
            ["hidden_act"] = config.HiddenAct,
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = config.HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = config.IntermediateSize,
            ["layer_norm_eps"] = eps,
            ["max_position_embeddings"] = config.MaxPositionEmbeddings,
            ["model_type"] = "bert",
            ["num_attention_heads"] = config.NumAttentionHeads,
            ["num_hidden_layers"] = config.NumHiddenLayers,
            ["pad_token_id"] = 0,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = "float32",
            ["type_vocab_size"] = config.TypeVocabSize,
            ["use_cache"] = true,
            ["vocab_size"] = config.VocabSize,
        });

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
        catch (JsonException) { return false; }
    }

    private static void CheckVocab(BuiltInModel model, byte[] vocab)
    {
        var lines = Encoding.UTF8.GetString(vocab).Split('\n');
        var count = lines.Length - (lines[^1].Length == 0 ? 1 : 0);
        if (count != model.Config.VocabSize || lines[0].TrimEnd('\r') != "[PAD]")
            throw new RqaException($"vocab.txt of {model.PackageId} has {count} tokens starting with '{lines[0]}', config.json expects {model.Config.VocabSize} starting with [PAD]");
    }

    private static void WriteJson(string folder, string relativePath, object value)
    {
        var path = Path.Combine(folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Indented) + "\n");
    }
}

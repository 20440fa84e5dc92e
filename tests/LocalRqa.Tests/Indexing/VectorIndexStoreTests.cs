using LocalRqa.Checkpoints;
using LocalRqa.Data;
using LocalRqa.Indexing;
using LocalRqa.Json;
using LocalRqa.Runtime;

namespace LocalRqa.Tests.Indexing;

public sealed class VectorIndexStoreTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("rqa-index-").FullName;

    public VectorIndexStoreTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(root, true);

    string IndexPath => Path.Combine(root, "index");

    static VectorIndexManifest Manifest(int count, int dimension, Similarity similarity) => new()
    {
        DocumentCount = count,
        DocumentsFingerprint = new string('a', 64),
        ModelFingerprint = new string('b', 64),
        Pooling = "mean",
        Normalize = true,
        Prompt = "passage: ",
        MaxLength = 512,
        Similarity = similarity,
        Dimension = dimension,
    };

    static float[][] RandomRows(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    [Fact]
    public void RoundTripIsBitExact()
    {
        // 150,000 × 16 floats span three 4 MiB I/O blocks.
        var rows = RandomRows(150_000, 16, 1);
        var manifest = Manifest(rows.Length, 16, Similarity.Cosine);
        using var original = ExactVectorIndex.FromRows(rows, Similarity.Cosine);
        VectorIndexStore.Save(IndexPath, manifest, original);

        Assert.True(VectorIndexStore.TryLoad(IndexPath, manifest with { CreatedAt = DateTimeOffset.UnixEpoch, RqaVersion = "other" }, out var loaded, out var mismatch));
        Assert.Null(mismatch);
        using (loaded)
        {
            // Bit-exact: the file round trip is the promise, and the same bits searched with the same shapes in one
            // process are the same computation.
            Assert.Equal(original.Embeddings.data<float>().ToArray(), loaded.Embeddings.data<float>().ToArray());
            var queries = RandomRows(5, 16, 2);
            Assert.Equal(original.Search(queries, 7), loaded.Search(queries, 7));
        }

        var file = SafetensorsFile.Open(Path.Combine(IndexPath, VectorIndexStore.EmbeddingsFile));
        Assert.Equal(["embeddings"], file.Names);
        Assert.Equal([150_000L, 16L], file.Shape("embeddings"));
        var saved = VectorIndexStore.ReadManifest(IndexPath)!;
        Assert.Equal(manifest with { EmbeddingsXxh128 = saved.EmbeddingsXxh128 }, saved);
        Assert.Equal(new[] { VectorIndexStore.EmbeddingsFile, VectorIndexStore.ManifestFile }, Directory.GetFiles(IndexPath).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void EuclideanIndexKeepsRawRows()
    {
        float[][] rows = [[3, 4], [1, 0]];
        VectorIndexStore.Save(IndexPath, Manifest(2, 2, Similarity.Euclidean), rows);
        using var index = VectorIndexStore.Load(IndexPath);
        Assert.Equal([3f, 4f, 1f, 0f], index.Embeddings.data<float>().ToArray());
        Assert.Equal([new SearchHit(1, 0f), new SearchHit(0, 20f)], index.Search([[1, 0]], 2)[0]);
    }

    [Theory]
    [InlineData("ip", Similarity.Dot)]
    [InlineData("l2", Similarity.Euclidean)]
    public void AManifestSavedWithAnOldSimilarityNameStillLoads(string oldName, Similarity similarity)
    {
        // rqa before the one vocabulary wrote ip and l2; such an index is the same index and must be reused, not rebuilt.
        var manifest = Manifest(2, 2, similarity);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 0], [0, 1]]);
        var path = Path.Combine(IndexPath, VectorIndexStore.ManifestFile);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(similarity.Name(), (string?)json["similarity"]); // saved with the canonical name
        json["similarity"] = oldName;
        File.WriteAllText(path, json.ToJsonString());

        Assert.True(VectorIndexStore.TryLoad(IndexPath, manifest, out var loaded, out var mismatch), mismatch);
        using (loaded) Assert.Equal(similarity, loaded!.Similarity);
    }

    public static TheoryData<string, string> Differences() => new()
    {
        { "documents", "built from a different document set (3 documents, fingerprint aaaaaaaaaaaa… vs 4 documents, cccccccccccc…)" },
        { "model", "built with a different model (fingerprint bbbbbbbbbbbb… vs dddddddddddd…)" },
        { "pooling", "pooling mean vs cls" },
        { "normalize", "normalize true vs false" },
        { "prompt", "prompt \"passage: \" vs \"doc:\\n\"" },
        { "lower_case", "lower_case false vs true" },
        { "max_length", "max_length 512 vs 256" },
        { "similarity", "similarity cosine vs euclidean" },
        { "dimension", "dimension 2 vs 3" },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void MismatchNamesTheField(string field, string description)
    {
        var stored = Manifest(3, 2, Similarity.Cosine);
        var expected = field switch
        {
            "documents" => stored with { DocumentCount = 4, DocumentsFingerprint = new string('c', 64) },
            "model" => stored with { ModelFingerprint = new string('d', 64) },
            "pooling" => stored with { Pooling = "cls" },
            "normalize" => stored with { Normalize = false },
            "prompt" => stored with { Prompt = "doc:\n" },
            "lower_case" => stored with { LowerCase = true },
            "max_length" => stored with { MaxLength = 256 },
            "similarity" => stored with { Similarity = Similarity.Euclidean },
            _ => stored with { Dimension = 3 },
        };
        Assert.Equal(description, stored.DescribeDifference(expected));

        VectorIndexStore.Save(IndexPath, stored, [[1, 0], [0, 1], [1, 1]]);
        Assert.False(VectorIndexStore.TryLoad(IndexPath, expected, out var index, out var mismatch));
        Assert.Null(index);
        Assert.Equal(description, mismatch);
    }

    [Fact]
    public void SeveralDifferencesShareOneLine()
    {
        var stored = Manifest(3, 2, Similarity.Cosine);
        Assert.Equal("max_length 512 vs 128; similarity cosine vs dot", stored.DescribeDifference(stored with { MaxLength = 128, Similarity = Similarity.Dot }));
        Assert.Null(stored.DescribeDifference(stored with { CreatedAt = DateTimeOffset.UnixEpoch, RqaVersion = "9" }));
    }

    [Fact]
    public void AbsentOrEmptyFolderIsNoIndex()
    {
        var manifest = Manifest(1, 2, Similarity.Euclidean);
        Assert.False(VectorIndexStore.TryLoad(IndexPath, manifest, out _, out var mismatch));
        Assert.Null(mismatch);
        Directory.CreateDirectory(IndexPath);
        Assert.False(VectorIndexStore.TryLoad(IndexPath, manifest, out _, out mismatch));
        Assert.Null(mismatch);
        Assert.Null(VectorIndexStore.ReadManifest(IndexPath));
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2]]);
        Assert.True(VectorIndexStore.TryLoad(IndexPath, manifest, out var index, out _));
        index.Dispose();
    }

    [Fact]
    public void SavingLeavesNoTemporaryFolder()
    {
        VectorIndexStore.Save(IndexPath, Manifest(1, 2, Similarity.Euclidean), [[1, 2]]);
        VectorIndexStore.Save(IndexPath, Manifest(2, 2, Similarity.Euclidean), [[1, 2], [3, 4]]);
        Assert.Throws<ArgumentException>(() => VectorIndexStore.Save(IndexPath, Manifest(5, 2, Similarity.Euclidean), [[1, 2]]));
        Assert.Equal(["index"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
        Assert.Equal(2, VectorIndexStore.ReadManifest(IndexPath)!.DocumentCount);
    }

    [Fact]
    public void SavingThroughASymlinkReplacesItsTargetAndKeepsTheLink()
    {
        var target = Path.Combine(root, "real-index");
        Directory.CreateSymbolicLink(IndexPath, target);
        VectorIndexStore.Save(IndexPath, Manifest(1, 2, Similarity.Euclidean), [[1, 2]]);
        VectorIndexStore.Save(IndexPath, Manifest(2, 2, Similarity.Euclidean), [[1, 2], [3, 4]]);
        Assert.Equal(target, new DirectoryInfo(IndexPath).LinkTarget);
        Assert.Equal(2, VectorIndexStore.ReadManifest(target)!.DocumentCount);
        Assert.Equal(["index", "real-index"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void RefusesAFolderThatIsNotAnIndex()
    {
        Directory.CreateDirectory(IndexPath);
        File.WriteAllText(Path.Combine(IndexPath, "notes.txt"), "mine");
        var manifest = Manifest(1, 2, Similarity.Euclidean);
        var error = Assert.Throws<RqaException>(() => VectorIndexStore.Save(IndexPath, manifest, [[1, 2]]));
        Assert.Contains("refusing to overwrite", error.Message);
        Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(IndexPath, "notes.txt")));

        // Someone else's manifest.json is not ours either.
        File.WriteAllText(Path.Combine(IndexPath, VectorIndexStore.ManifestFile), "{\"name\": \"app\"}");
        Assert.Throws<RqaException>(() => VectorIndexStore.Save(IndexPath, manifest, [[1, 2]]));

        // An explicit rebuild may replace it.
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2]], replaceAnyFolder: true);
        Assert.False(File.Exists(Path.Combine(IndexPath, "notes.txt")));
        Assert.NotNull(VectorIndexStore.ReadManifest(IndexPath));
    }

    [Fact]
    public void RefusesAFile()
    {
        File.WriteAllText(IndexPath, "x");
        Assert.Throws<RqaException>(() => VectorIndexStore.Save(IndexPath, Manifest(1, 2, Similarity.Euclidean), [[1, 2]]));
        Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, Manifest(1, 2, Similarity.Euclidean), out _, out _));
    }

    [Fact]
    public void EmbeddingsThatDoNotMatchTheManifestAreCorrupt()
    {
        var manifest = Manifest(2, 2, Similarity.Euclidean);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2], [3, 4]]);
        var embeddings = Path.Combine(IndexPath, VectorIndexStore.EmbeddingsFile);
        SafetensorsFile.Write(embeddings, new Dictionary<string, HostTensor> { ["embeddings"] = HostTensor.FromFloats([1, 2], 1, 2) });
        var error = Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
        Assert.Contains("[1, 2]", error.Message);
        Assert.Contains("--rebuild_index", error.Message);

        File.Delete(embeddings);
        Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
    }

    /// <summary>Flips the sign bit of every float32 after the safetensors header: still finite, every score changes.</summary>
    static void FlipSigns(string embeddingsFile)
    {
        var bytes = File.ReadAllBytes(embeddingsFile);
        var dataStart = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        for (var i = dataStart + 3; i < bytes.Length; i += 4) bytes[i] ^= 0x80; // little-endian: the sign is the last byte's top bit
        File.WriteAllBytes(embeddingsFile, bytes);
    }

    [Fact]
    public void ChangedEmbeddingsFailTheChecksum()
    {
        var manifest = Manifest(3, 2, Similarity.Dot);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2], [3, 4], [5, 6]]);
        var embeddings = Path.Combine(IndexPath, VectorIndexStore.EmbeddingsFile);
        FlipSigns(embeddings);

        var error = Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
        Assert.StartsWith($"{embeddings}: ", error.Message);
        Assert.Contains("checksum", error.Message);
        Assert.Contains("--rebuild_index", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<RqaException>(() => VectorIndexStore.Load(IndexPath));

        // Flipped back, the bytes are the saved ones again.
        FlipSigns(embeddings);
        Assert.True(VectorIndexStore.TryLoad(IndexPath, manifest, out var index, out _));
        index.Dispose();
    }

    [Fact]
    public void ManifestRecordsTheChecksumOfTheFileOnDisk()
    {
        VectorIndexStore.Save(IndexPath, Manifest(2, 2, Similarity.Euclidean), [[1, 2], [3, 4]]);
        var expected = Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(File.ReadAllBytes(Path.Combine(IndexPath, VectorIndexStore.EmbeddingsFile))));
        Assert.Equal(expected, VectorIndexStore.ReadManifest(IndexPath)!.EmbeddingsXxh128);
        var manifestPath = Path.Combine(IndexPath, VectorIndexStore.ManifestFile);
        var text = File.ReadAllText(manifestPath);
        Assert.Contains($"\"embeddings_xxh128\": \"{expected}\"", text);

        File.WriteAllText(manifestPath, text.Replace(expected, "not-a-checksum"));
        var error = Assert.Throws<RqaException>(() => VectorIndexStore.ReadManifest(IndexPath));
        Assert.Contains("field 'embeddings_xxh128'", error.Message);
    }

    [Fact]
    public void TruncatedOrExtendedEmbeddingsAreAClearError()
    {
        var manifest = Manifest(2, 2, Similarity.Euclidean);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2], [3, 4]]);
        var embeddings = Path.Combine(IndexPath, VectorIndexStore.EmbeddingsFile);
        var saved = File.ReadAllBytes(embeddings);

        File.WriteAllBytes(embeddings, saved[..^4]);
        var truncated = Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
        Assert.StartsWith($"{embeddings}: ", truncated.Message);
        Assert.Contains("truncated", truncated.Message);
        Assert.Contains("--rebuild_index", truncated.Message);

        File.WriteAllBytes(embeddings, [.. saved, 0, 0, 0, 0]);
        var extended = Assert.Throws<RqaException>(() => VectorIndexStore.TryLoad(IndexPath, manifest, out _, out _));
        Assert.StartsWith($"{embeddings}: ", extended.Message);
        Assert.Contains("4 bytes after", extended.Message);
        Assert.Contains("--rebuild_index", extended.Message);
    }

    [Fact]
    public void IndexWithoutChecksumIsReusedWithAWarning()
    {
        // As an rqa before the checksum saved it: the same manifest without the field.
        var manifest = Manifest(2, 2, Similarity.Euclidean);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2], [3, 4]]);
        var path = Path.Combine(IndexPath, VectorIndexStore.ManifestFile);
        var json = JsonFile.ReadObject(path);
        Assert.True(json.Remove("embeddings_xxh128"));
        File.WriteAllText(path, json.ToJsonString());

        var log = new StringWriter();
        Assert.True(VectorIndexStore.TryLoad(IndexPath, manifest, out var index, out _, log));
        index.Dispose();
        var warning = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: ", warning);
        Assert.Contains("cannot be verified", warning);
        Assert.Contains("--rebuild_index", warning);
        Assert.Null(VectorIndexStore.ReadManifest(IndexPath)!.EmbeddingsXxh128);
    }

    [Fact]
    public void OtherFormatVersionIsAMismatch()
    {
        var manifest = Manifest(1, 2, Similarity.Euclidean);
        VectorIndexStore.Save(IndexPath, manifest, [[1, 2]]);
        var path = Path.Combine(IndexPath, VectorIndexStore.ManifestFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"format_version\": 1", "\"format_version\": 2"));
        Assert.False(VectorIndexStore.TryLoad(IndexPath, manifest, out _, out var mismatch));
        Assert.Equal("index format 2 vs 1", mismatch);
    }

    [Fact]
    public void DocumentFingerprintCoversIdentityTextAndOrder()
    {
        var a = Document.Create("alpha", null, new Dictionary<string, object?> { ["source"] = "s1" });
        var b = Document.Create("beta", null, null);
        var fingerprint = DocumentFingerprint.Compute([a, b]);
        Assert.Equal(64, fingerprint.Length);
        Assert.Equal(fingerprint, DocumentFingerprint.Compute([a, b]));
        Assert.NotEqual(fingerprint, DocumentFingerprint.Compute([b, a]));
        Assert.NotEqual(fingerprint, DocumentFingerprint.Compute([a with { FmtContent = "other" }, b]));
        Assert.NotEqual(fingerprint, DocumentFingerprint.Compute([a, b with { Metadata = new Dictionary<string, object?> { ["source"] = "" } }]));
    }
}

using LocalRqa.Indexing;
using LocalRqa.Runtime;

namespace LocalRqa.Tests.Indexing;

public sealed class ExactVectorIndexTests
{
    public ExactVectorIndexTests() => TorchRuntime.Initialize();

    static (int[] Indices, float[] Scores) Search(float[][] documents, Similarity similarity, float[] query, int k, int chunk = 16384, int batch = 1024)
    {
        using var index = ExactVectorIndex.FromRows(documents, similarity);
        index.DocumentChunkSize = chunk;
        index.QueryBatchSize = batch;
        var hits = index.Search([query], k)[0];
        return (hits.Select(h => h.Index).ToArray(), hits.Select(h => h.Score).ToArray());
    }

    static readonly float[][] Plane = [[0, 0], [1, 0], [0, 2], [3, 4]];

    [Fact]
    public void L2ReportsSquaredDistancesAscending()
    {
        // Query (1, 1): (0,0) → 1+1 = 2; (1,0) → 0+1 = 1; (0,2) → 1+1 = 2; (3,4) → 4+9 = 13. Docs 0 and 2 tie: lower index first.
        var (indices, scores) = Search(Plane, Similarity.Euclidean, [1, 1], 4);
        Assert.Equal([1, 0, 2, 3], indices);
        Assert.Equal([1f, 2f, 2f, 13f], scores); // small integers: every product and sum is exact in float32, on any kernel
    }

    [Fact]
    public void InnerProductIsDescending()
    {
        // Query (1, 1): 0, 1, 2, 7.
        var (indices, scores) = Search(Plane, Similarity.Dot, [1, 1], 3);
        Assert.Equal([3, 2, 1], indices);
        Assert.Equal([7f, 2f, 1f], scores); // exact: small integers
    }

    [Fact]
    public void InnerProductIn3D()
    {
        // Query (1, 0, 1): (1,2,3) → 4; (0,0,1) → 1; (-1,0,0) → -1; (2,5,2) → 4 (ties doc 0: lower index first).
        var (indices, scores) = Search([[1, 2, 3], [0, 0, 1], [-1, 0, 0], [2, 5, 2]], Similarity.Dot, [1, 0, 1], 4);
        Assert.Equal([0, 3, 1, 2], indices);
        Assert.Equal([4f, 4f, 1f, -1f], scores); // exact: small integers
    }

    [Fact]
    public void CosineNormalisesDocumentsAndQueries()
    {
        // Rows become (0.6, 0.8), (1, 0), (0, 1), (-1, 0); the query (2, 2) becomes (s, s) with s = 1/√2:
        // 1.4 s ≈ 0.98995, s, s (tie: lower index first), -s.
        var (indices, scores) = Search([[3, 4], [5, 0], [0, 2], [-1, 0]], Similarity.Cosine, [2, 2], 4);
        Assert.Equal([0, 1, 2, 3], indices);
        var s = 1 / MathF.Sqrt(2);
        // Normalisation and a 2-term dot product round each by an ulp or two of values ≤ 1: 1e-6.
        Assert.Equal(1.4f * s, scores[0], 1e-6f);
        Assert.Equal(s, scores[1], 1e-6f);
        Assert.Equal(scores[1], scores[2]); // (1, 0) and (0, 1) stay exact: both dot products are s·1 + s·0
        Assert.Equal(-s, scores[3], 1e-6f);
    }

    [Fact]
    public void KLargerThanCountReturnsEveryDocument()
    {
        var (indices, _) = Search(Plane, Similarity.Euclidean, [1, 1], 10);
        Assert.Equal([1, 0, 2, 3], indices);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(100)]
    public void TiesCutByTheKBoundaryKeepTheLowestIndices(int chunk)
    {
        // Doc 0 is best; docs 1-4 are duplicates that tie for second place; doc 5 is worst.
        float[][] documents = [[5, 0], [1, 1], [1, 1], [1, 1], [1, 1], [0, -3]];
        foreach (var similarity in Enum.GetValues<Similarity>())
        {
            var query = similarity == Similarity.Euclidean ? new float[] { 5, 0 } : [1, 0.1f];
            Assert.Equal([0, 1], Search(documents, similarity, query, 2, chunk).Indices);
            Assert.Equal([0, 1, 2], Search(documents, similarity, query, 3, chunk).Indices);
            Assert.Equal([1, 2], Search(documents[1..], similarity, query, 2, chunk).Indices.Select(i => i + 1).ToArray());
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(5)] // rows at 20-byte offsets: no alignment luck
    public void DuplicateVectorsOrderByIndexForEveryChunkSize(int dimension)
    {
        // 5 distinct vectors, each repeated, shuffled: many exact ties, straddling chunk and k boundaries.
        var random = new Random(7);
        var distinct = Enumerable.Range(0, 5).Select(_ => RandomVector(random, dimension)).ToArray();
        var owner = Enumerable.Range(0, 60).Select(_ => random.Next(distinct.Length)).ToArray();
        var documents = owner.Select(o => distinct[o]).ToArray();
        var queries = Enumerable.Range(0, 6).Select(_ => RandomVector(random, dimension)).ToArray();
        foreach (var similarity in Enum.GetValues<Similarity>())
        {
            // The order follows from the owners' exact scores alone: by owner score, then document index.
            var expected = queries.Select(q =>
            {
                var ownerScores = NaiveScores(distinct, q, similarity);
                return Enumerable.Range(0, documents.Length)
                    .OrderBy(i => similarity == Similarity.Euclidean ? ownerScores[owner[i]] : -ownerScores[owner[i]]).ThenBy(i => i).ToArray();
            }).ToArray();
            using var index = ExactVectorIndex.FromRows(documents, similarity);
            foreach (var chunk in new[] { 1, 3, 7, 16, 59, 60, 64 })
            foreach (var k in new[] { 1, 4, 13, 60, 70 })
            {
                index.DocumentChunkSize = chunk;
                index.QueryBatchSize = 4;
                var result = index.Search(queries, k);
                for (var q = 0; q < queries.Length; q++)
                {
                    var hits = result[q];
                    // Copies of one vector are scored once: bit-equal scores, listed together by index, on any CPU.
                    Assert.Equal(expected[q].Take(k), hits.Select(h => h.Index));
                    for (var i = 1; i < hits.Length; i++)
                        if (owner[hits[i].Index] == owner[hits[i - 1].Index]) Assert.Equal(hits[i - 1].Score, hits[i].Score);
                    // float32 scores of ≤ 8 terms with |x| ≤ 1 (L2 as |q|² − 2q·d + |d|², terms ≤ 32) are within
                    // (D + 2)·32·2⁻²⁴ ≈ 2e-5 of the exact value whatever the kernel: two searches agree to 4e-5.
                    for (var i = 0; i < hits.Length; i++)
                        Tolerance.Close(NaiveScores(distinct, queries[q], similarity)[owner[hits[i].Index]], hits[i].Score, 0, 4e-5, "score");
                }
            }
        }
    }

    [Fact]
    public void CopiesFarApartInALargeIndexComeOutTogetherInIndexOrder()
    {
        // 384 dimensions and 3,000 rows put copies in different BLAS blocks, chunks and threads, where a dot
        // product of identical rows can round differently: every copy still comes out beside its first.
        var random = new Random(11);
        var documents = Enumerable.Range(0, 3000).Select(_ => RandomVector(random, 384)).ToArray();
        int[][] copies = [[5, 1234, 2999], [17, 18, 2048], [700, 701, 702, 1500]];
        foreach (var group in copies)
            foreach (var row in group.Skip(1)) documents[row] = documents[group[0]];
        // Queries near each group's vector, so the group is the top hit.
        var queries = copies.Select(g => documents[g[0]].Select(v => v + 0.01f * (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
        foreach (var similarity in Enum.GetValues<Similarity>())
        {
            using var index = ExactVectorIndex.FromRows(documents, similarity);
            foreach (var chunk in new[] { 16384, 1000, 333 })
            {
                index.DocumentChunkSize = chunk;
                var result = index.Search(queries, 6);
                for (var g = 0; g < copies.Length; g++)
                {
                    Assert.Equal(copies[g], result[g].Take(copies[g].Length).Select(h => h.Index));
                    Assert.Single(result[g].Take(copies[g].Length).Select(h => h.Score).Distinct());
                }
            }
        }
    }

    [Fact]
    public void RowsDifferingOnlyInTheSignOfZeroAreNotCopies()
    {
        // 0 and −0 are different bits: two rows, each scored, both returned.
        using var index = ExactVectorIndex.FromRows([[0f, 1f], [-0f, 1f], [0f, 1f]], Similarity.Dot);
        var hits = index.Search([[1f, 1f]], 3)[0];
        Assert.Equal([0, 1, 2], hits.Select(h => h.Index));
        Assert.Equal([1f, 1f, 1f], hits.Select(h => h.Score)); // small integers: exact in float32 on any kernel
    }

    [Theory]
    [InlineData(Similarity.Euclidean)]
    [InlineData(Similarity.Dot)]
    [InlineData(Similarity.Cosine)]
    public void BatchedSearchEqualsANaiveLoop(Similarity similarity)
    {
        var random = new Random(42);
        var documents = Enumerable.Range(0, 1000).Select(_ => RandomVector(random, 16)).ToArray();
        var queries = Enumerable.Range(0, 100).Select(_ => RandomVector(random, 16)).ToArray();
        var exact = queries.Select(q => NaiveScores(documents, q, similarity)).ToArray();
        var expected = exact.Select(scores => Ranked(scores, similarity).Take(10).ToArray()).ToArray();
        using var index = ExactVectorIndex.FromRows(documents, similarity);
        foreach (var (chunk, batch) in new[] { (16384, 1024), (1000, 100), (333, 17), (64, 1), (7, 33) })
        {
            index.DocumentChunkSize = chunk;
            index.QueryBatchSize = batch;
            var actual = index.Search(queries, 10);
            for (var q = 0; q < queries.Length; q++)
            for (var j = 0; j < 10; j++)
            {
                // float32 scores of 16 terms, |x| ≤ 1 (L2 terms ≤ 64): within (16 + 2)·64·2⁻²⁴ ≈ 7e-5 of the exact
                // double score. The document at rank j is the exact one, or one whose exact score is that close
                // to it: a near-tie that another kernel may order either way.
                var hit = actual[q][j];
                Tolerance.Close(exact[q][expected[q][j]], hit.Score, 0, 1e-4, $"query {q} rank {j} score");
                if (hit.Index != expected[q][j])
                    Tolerance.Close(exact[q][expected[q][j]], exact[q][hit.Index], 0, 2e-4, $"query {q} rank {j}: document {hit.Index} instead of {expected[q][j]}");
            }
        }
    }

    /// <summary>Every document's score in double precision.</summary>
    static double[] NaiveScores(float[][] documents, float[] query, Similarity similarity)
    {
        double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
        return documents.Select(d => similarity switch
        {
            Similarity.Euclidean => d.Zip(query, (a, b) => ((double)a - b) * ((double)a - b)).Sum(),
            Similarity.Dot => d.Zip(query, (a, b) => (double)a * b).Sum(),
            _ => d.Zip(query, (a, b) => (double)a * b).Sum() / (Norm(d) * Norm(query)),
        }).ToArray();
    }

    /// <summary>Document indices by (exact score, index).</summary>
    static IEnumerable<int> Ranked(double[] scores, Similarity similarity) =>
        Enumerable.Range(0, scores.Length).OrderBy(i => similarity == Similarity.Euclidean ? scores[i] : -scores[i]).ThenBy(i => i);

    static float[] RandomVector(Random random, int dimension) =>
        Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    [Fact]
    public void EmptyIndexAndDimensionMismatchAreUserErrors()
    {
        Assert.Throws<RqaException>(() => ExactVectorIndex.FromRows([], Similarity.Euclidean));
        Assert.Throws<RqaException>(() => ExactVectorIndex.FromRows([[1, 2], [3]], Similarity.Euclidean));
        using var index = ExactVectorIndex.FromRows(Plane, Similarity.Euclidean);
        var error = Assert.Throws<RqaException>(() => index.Search([[1, 2, 3]], 1));
        Assert.Contains("3 dimensions", error.Message);
        Assert.Throws<RqaException>(() => index.Search([[1, 2]], 0));
        Assert.Throws<RqaException>(() => index.Search([[1, float.NaN]], 1));
        Assert.Empty(index.Search([], 3));
    }

    [Fact]
    public void NonFiniteDocumentIsAUserError()
    {
        var error = Assert.Throws<RqaException>(() => ExactVectorIndex.FromRows([[1, 2], [float.PositiveInfinity, 0]], Similarity.Dot));
        Assert.Contains("embedding 1", error.Message);
    }

    [Fact]
    public void BuilderGrowsAndMatchesFromRows()
    {
        var random = new Random(3);
        var documents = Enumerable.Range(0, 37).Select(_ => RandomVector(random, 5)).ToArray();
        using var builder = new ExactVectorIndexBuilder(5, Similarity.Cosine, capacity: 2);
        foreach (var part in documents.Chunk(6)) builder.Add(part);
        Assert.Equal(37, builder.Count);
        using var built = builder.Build();
        using var direct = ExactVectorIndex.FromRows(documents, Similarity.Cosine);
        Assert.Equal(direct.Embeddings.data<float>().ToArray(), built.Embeddings.data<float>().ToArray());
        Assert.Throws<InvalidOperationException>(() => builder.Add(documents));
    }
}

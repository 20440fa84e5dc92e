using System.Runtime.InteropServices;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Indexing;

/// <summary>
/// Collects document embeddings batch by batch (e.g. as an encoder produces them) into one preallocated
/// [capacity, D] tensor, growing it when needed, then hands it to an <see cref="ExactVectorIndex"/> without
/// a second full copy when the capacity was right.
/// </summary>
internal sealed class ExactVectorIndexBuilder : IDisposable
{
    Tensor? buffer; // [capacity, D] float32
    int capacity;

    public int Dimension { get; }
    public Similarity Similarity { get; }
    public int Count { get; private set; }

    public ExactVectorIndexBuilder(int dimension, Similarity similarity, int capacity = 1024)
    {
        if (dimension < 1) throw new RqaException($"embedding dimension must be at least 1, got {dimension}");
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        TorchRuntime.Initialize();
        Dimension = dimension;
        Similarity = similarity;
        this.capacity = capacity;
        buffer = empty([capacity, dimension], ScalarType.Float32).DetachFromDisposeScope();
    }

    public void Add(float[][] rows)
    {
        if (rows.Length == 0) return;
        var flat = new float[checked(rows.Length * Dimension)];
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != Dimension)
                throw new RqaException($"embedding {Count + i} has {rows[i].Length} dimensions, expected {Dimension}");
            rows[i].CopyTo(flat, i * Dimension);
        }
        using var scope = NewDisposeScope();
        Add(tensor(flat, [rows.Length, Dimension]));
    }

    /// <summary>Appends the rows of a [B, D] tensor (copied, as float32; normalised for cosine).</summary>
    public void Add(Tensor rows)
    {
        var target = buffer ?? throw new InvalidOperationException("the builder has already built its index");
        if (rows.dim() != 2 || rows.shape[1] != Dimension)
            throw new RqaException($"embeddings of shape [{string.Join(", ", rows.shape)}] do not match dimension {Dimension}");
        var count = (int)rows.shape[0];
        if (count == 0) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (Count + count > capacity) target = Grow(checked(Count + count));
        var values = rows.detach().to(ScalarType.Float32); // [B, D]
        if (Similarity == Similarity.Cosine) values = UnitRows(values);
        target.narrow(0, Count, count).copy_(values);
        Count += count;
    }

    /// <summary>
    /// Each row divided by its L2 norm (at least 1e-12, as torch's normalize), one row at a time in double on the
    /// host: identical rows then stay bit-identical wherever they sit in a batch, which a vectorised reduction
    /// over the batch does not promise.
    /// </summary>
    static Tensor UnitRows(Tensor rows)
    {
        var dimension = (int)rows.shape[1];
        var values = MemoryMarshal.Cast<byte, float>(rows.contiguous().bytes).ToArray(); // one block copy
        for (var start = 0; start < values.Length; start += dimension)
        {
            var row = values.AsSpan(start, dimension);
            double squares = 0;
            foreach (var v in row) squares += (double)v * v;
            var norm = Math.Max(Math.Sqrt(squares), 1e-12);
            for (var i = 0; i < row.Length; i++) row[i] = (float)(row[i] / norm);
        }
        return tensor(values, rows.shape);
    }

    Tensor Grow(int needed)
    {
        var old = buffer!;
        capacity = Math.Max(needed, (int)Math.Min(int.MaxValue, 2L * capacity));
        using var scope = NewDisposeScope();
        var grown = empty([capacity, Dimension], ScalarType.Float32); // [capacity, D]
        grown.narrow(0, 0, Count).copy_(old.narrow(0, 0, Count));
        buffer = grown.DetachFromDisposeScope();
        old.Dispose();
        return buffer;
    }

    /// <summary>The index of every row added; the builder is spent afterwards.</summary>
    public ExactVectorIndex Build()
    {
        var target = buffer ?? throw new InvalidOperationException("the builder has already built its index");
        if (Count == 0) throw new RqaException("cannot build a vector index of no documents");
        buffer = null;
        if (Count == capacity) return new ExactVectorIndex(target, Similarity);
        // A view would pin the whole oversized buffer; copy the used rows instead.
        using (var scope = NewDisposeScope())
        {
            var used = target.narrow(0, 0, Count).clone().DetachFromDisposeScope(); // [N, D]
            target.Dispose();
            return new ExactVectorIndex(used, Similarity);
        }
    }

    public void Dispose() => buffer?.Dispose();
}

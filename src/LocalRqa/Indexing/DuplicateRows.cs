using System.IO.Hashing;
using static TorchSharp.torch;

namespace LocalRqa.Indexing;

/// <summary>
/// The groups of bit-identical rows of an [N, D] embedding matrix (the same document text stored twice, say).
/// The exact index scores only the first row of each group and lists the others right after it: BLAS rounds a
/// dot product differently by the row's place in the matrix (AVX-512 vs AVX2 kernels, remainder blocks, thread
/// splits), so scoring every copy would let copies of one document differ by an ulp and come out of index order.
/// </summary>
internal sealed class DuplicateRows
{
    readonly Dictionary<int, int[]> copiesOf; // first row of a group → its other rows, ascending
    readonly bool[] isCopy;                   // [N]: a row that is not the first of its group
    readonly int[] firstsBefore;              // [N + 1]: rows before i that are first of their group

    DuplicateRows(Dictionary<int, int[]> copiesOf, int count)
    {
        this.copiesOf = copiesOf;
        isCopy = new bool[count];
        foreach (var copies in copiesOf.Values)
            foreach (var copy in copies) isCopy[copy] = true;
        firstsBefore = new int[count + 1];
        for (var i = 0; i < count; i++) firstsBefore[i + 1] = firstsBefore[i] + (isCopy[i] ? 0 : 1);
    }

    /// <summary>Rows that are scored: one per group of identical rows.</summary>
    public int DistinctCount => firstsBefore[^1];

    /// <summary>True for a row that repeats an earlier one (it is listed with that row, never scored).</summary>
    public bool IsCopy(int row) => isCopy[row];

    /// <summary>The later rows identical to <paramref name="first"/>, ascending; empty when it has none.</summary>
    public ReadOnlySpan<int> CopiesOf(int first) => copiesOf.TryGetValue(first, out var copies) ? copies : [];

    /// <summary>The number of scored rows in [start, start + count).</summary>
    public int DistinctIn(int start, int count) => firstsBefore[start + count] - firstsBefore[start];

    /// <summary>
    /// Finds the groups of bit-identical rows of a contiguous float32 [N, D] tensor, reading it in blocks of
    /// <paramref name="blockRows"/>; null when every row is distinct (the usual case: nothing changes in search).
    /// </summary>
    public static DuplicateRows? Find(Tensor rows, long blockRows)
    {
        var count = (int)rows.shape[0];
        var dimension = (int)rows.shape[1];
        // A 64-bit hash per row, then rows sorted by it: equal hashes are candidates, confirmed element by
        // element so that a collision never merges distinct rows.
        var keys = new (ulong Key, int Row)[count];
        for (long start = 0; start < count; start += blockRows)
        {
            var size = (int)Math.Min(blockRows, count - start);
            using var block = rows.narrow(0, start, size);
            var bytes = block.bytes; // a view of the block's memory: no copy (data<float>().ToArray() would take ~10 s per GB)
            var rowBytes = dimension * sizeof(float);
            for (var r = 0; r < size; r++)
                keys[start + r] = (XxHash3.HashToUInt64(bytes.Slice(r * rowBytes, rowBytes)), (int)start + r);
        }
        Array.Sort(keys); // by key, then by row
        Dictionary<int, int[]>? groups = null;
        for (int start = 0, end; start < count; start = end)
        {
            for (end = start + 1; end < count && keys[end].Key == keys[start].Key;) end++;
            if (end - start == 1) continue;
            // A run of equal keys, rows ascending: split it into classes of identical rows (almost always one),
            // each led by its earliest row.
            var classes = new List<(int First, List<int> Copies)>();
            for (var i = start; i < end; i++)
            {
                var row = keys[i].Row;
                var match = classes.FindIndex(c => Identical(rows, c.First, row));
                if (match < 0) classes.Add((row, []));
                else classes[match].Copies.Add(row);
            }
            foreach (var (first, copies) in classes)
                if (copies.Count > 0) (groups ??= [])[first] = [.. copies];
        }
        return groups is null ? null : new DuplicateRows(groups, count);
    }

    static bool Identical(Tensor rows, int a, int b)
    {
        using var scope = NewDisposeScope();
        return rows[a].bytes.SequenceEqual(rows[b].bytes);
    }
}

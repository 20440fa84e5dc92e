namespace LocalRqa.Checkpoints;

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage.</summary>
internal sealed record PyTorchTensorRef(PyTorchStorageRef Storage, long Offset, long[] Shape, long[] Stride)
{
    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Whether the view reads Numel consecutive elements starting at Offset (row-major, any size-1 dims).</summary>
    public bool IsContiguous
    {
        get
        {
            var expected = 1L;
            for (var d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Stride[d] != expected) return false;
                expected *= Shape[d];
            }
            return true;
        }
    }

    /// <summary>One past the last storage element the view touches (Offset when it is empty).</summary>
    public long End
    {
        get
        {
            if (Numel == 0) return Offset;
            var last = Offset;
            for (var d = 0; d < Shape.Length; d++) last += (Shape[d] - 1) * Stride[d];
            return last + 1;
        }
    }

    /// <summary>Copies the view into a new contiguous row-major buffer.</summary>
    public byte[] Gather(byte[] storage)
    {
        var elem = HostTensor.ElementSize(Storage.DType);
        var result = new byte[checked(Numel * elem)];
        if (result.Length == 0) return result;
        if (IsContiguous)
        {
            Buffer.BlockCopy(storage, checked((int)(Offset * elem)), result, 0, result.Length);
            return result;
        }

        // Walk the outer indices like an odometer and copy one innermost run (or element) at a time.
        var rank = Shape.Length;
        var innerContiguous = Stride[rank - 1] == 1;
        var run = innerContiguous ? (int)Shape[rank - 1] * elem : elem;
        var outerRank = innerContiguous ? rank - 1 : rank;
        var index = new long[outerRank];
        var source = Offset;
        for (var written = 0; written < result.Length; written += run)
        {
            Buffer.BlockCopy(storage, checked((int)(source * elem)), result, written, run);
            for (var d = outerRank - 1; d >= 0; d--)
            {
                source += Stride[d];
                if (++index[d] < Shape[d]) break;
                source -= Stride[d] * Shape[d];
                index[d] = 0;
            }
        }
        return result;
    }
}

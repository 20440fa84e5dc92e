using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// T5's relative position buckets (Raffel et al. 2020, §2.1): exact buckets for small distances, then
/// logarithmically wider ones up to max_distance, beyond which all distances share the last bucket. The
/// encoder looks both ways (half the buckets per direction); the decoder only backwards.
/// </summary>
internal static class T5RelativePosition
{
    /// <param name="relativePosition">key position − query position, int64 of any shape</param>
    /// <returns>bucket ids in [0, numBuckets), int64 of the same shape</returns>
    public static Tensor Bucket(Tensor relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        using var scope = NewDisposeScope();
        var buckets = zeros_like(relativePosition);
        Tensor distance;
        if (bidirectional)
        {
            numBuckets /= 2;
            buckets = buckets + (relativePosition > 0).to(ScalarType.Int64) * numBuckets; // keys after the query
            distance = relativePosition.abs();
        }
        else
        {
            distance = -relativePosition.clamp_max(0); // future keys collapse to distance 0
        }
        var maxExact = numBuckets / 2;
        // Same float32 operations as the published definition, so bucket edges round the same way.
        var logarithmic = (distance.to(ScalarType.Float32) / maxExact).log()
            / Math.Log(maxDistance / (double)maxExact) * (numBuckets - maxExact);
        var large = (logarithmic.to(ScalarType.Int64) + maxExact).clamp_max(numBuckets - 1);
        return (buckets + where(distance < maxExact, distance, large)).MoveToOuterDisposeScope();
    }

    /// <summary>[queryLength, keyLength] bucket ids for queries at positions queryOffset, queryOffset+1, ….</summary>
    public static Tensor Buckets(long queryLength, long keyLength, long queryOffset, bool bidirectional, int numBuckets, int maxDistance, Device device)
    {
        using var scope = NewDisposeScope();
        var queries = arange(queryOffset, queryOffset + queryLength, dtype: ScalarType.Int64, device: device).unsqueeze(1); // [Tq, 1]
        var keys = arange(keyLength, dtype: ScalarType.Int64, device: device).unsqueeze(0); // [1, Tk]
        return Bucket(keys - queries, bidirectional, numBuckets, maxDistance).MoveToOuterDisposeScope();
    }
}

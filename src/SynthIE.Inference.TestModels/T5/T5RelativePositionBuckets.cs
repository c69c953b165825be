namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// T5's relative position buckets (Mesh TensorFlow's scheme as in Hugging Face <c>T5Attention._relative_position_bucket</c>),
/// tabulated for relative positions −max_distance..+max_distance. Every relative position at or beyond ±max_distance falls
/// in the same bucket as ±max_distance, so clipping to that range and looking up the table is exact for any length.
/// </summary>
internal static class T5RelativePositionBuckets
{
    /// <summary>The bucket of <c>relative_position = key_position − query_position</c>.</summary>
    /// <remarks>
    /// Bidirectional (encoder): half the buckets for keys after the query. Within a half, the first
    /// <c>half/2</c> distances are exact and the rest log-spaced up to max_distance; unidirectional (decoder): keys after
    /// the query share bucket 0. The log step is computed in float32 like PyTorch and truncated toward zero.
    /// </remarks>
    public static int Bucket(int relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        int bucket = 0;
        int distance;
        if (bidirectional)
        {
            numBuckets /= 2;
            if (relativePosition > 0)
            {
                bucket += numBuckets;
            }

            distance = Math.Abs(relativePosition);
        }
        else
        {
            distance = -Math.Min(relativePosition, 0);
        }

        int maxExact = numBuckets / 2;
        if (distance < maxExact)
        {
            return bucket + distance;
        }

        float logRatio = MathF.Log((float)distance / maxExact) / (float)Math.Log((double)maxDistance / maxExact);
        long large = maxExact + (long)(logRatio * (numBuckets - maxExact));
        return bucket + (int)Math.Min(large, numBuckets - 1);
    }

    /// <summary>Buckets for relative positions −maxDistance..+maxDistance (index = relative position + maxDistance).</summary>
    public static long[] Table(bool bidirectional, int numBuckets, int maxDistance)
    {
        var table = new long[(2 * maxDistance) + 1];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = Bucket(i - maxDistance, bidirectional, numBuckets, maxDistance);
        }

        return table;
    }
}

using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>T5's relative position buckets (32 buckets, max distance 128), worked out by hand from the bucket formula.</summary>
public sealed class T5RelativePositionBucketsTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    [InlineData(-7, 7)]
    [InlineData(-8, 8)] // first log-spaced bucket: 8 + trunc(log(8/8) / log(16) · 8)
    [InlineData(-12, 9)] // log(1.5)/log(16)·8 = 1.17
    [InlineData(-16, 10)]
    [InlineData(-32, 12)]
    [InlineData(-64, 14)]
    [InlineData(-127, 15)]
    [InlineData(-128, 15)]
    [InlineData(-5000, 15)]
    [InlineData(1, 17)] // keys after the query use the upper half
    [InlineData(16, 26)]
    [InlineData(5000, 31)]
    public void Bidirectional_encoder_buckets(int relativePosition, int bucket)
        => Assert.Equal(bucket, T5RelativePositionBuckets.Bucket(relativePosition, bidirectional: true, 32, 128));

    [Theory]
    [InlineData(5, 0)] // future keys (masked anyway) share bucket 0
    [InlineData(0, 0)]
    [InlineData(-5, 5)]
    [InlineData(-15, 15)]
    [InlineData(-16, 16)]
    [InlineData(-20, 17)] // 16 + trunc(log(20/16) / log(8) · 16) = 16 + 1
    [InlineData(-32, 21)]
    [InlineData(-64, 26)]
    [InlineData(-127, 31)]
    [InlineData(-128, 31)]
    [InlineData(-5000, 31)]
    public void Causal_decoder_buckets(int relativePosition, int bucket)
        => Assert.Equal(bucket, T5RelativePositionBuckets.Bucket(relativePosition, bidirectional: false, 32, 128));

    [Fact]
    public void Table_covers_minus_to_plus_max_distance_and_clipping_is_exact()
    {
        long[] table = T5RelativePositionBuckets.Table(bidirectional: true, 32, 128);
        Assert.Equal(257, table.Length);
        Assert.Equal(0, table[128]);
        Assert.Equal(T5RelativePositionBuckets.Bucket(-128, true, 32, 128), table[0]);
        Assert.Equal(T5RelativePositionBuckets.Bucket(128, true, 32, 128), table[256]);
        for (int distance = 128; distance < 2000; distance += 37)
        {
            Assert.Equal(table[0], T5RelativePositionBuckets.Bucket(-distance, true, 32, 128));
            Assert.Equal(table[256], T5RelativePositionBuckets.Bucket(distance, true, 32, 128));
        }
    }
}

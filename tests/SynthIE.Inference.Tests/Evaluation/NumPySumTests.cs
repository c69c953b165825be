using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>Macro averages use NumPy's pairwise summation; the expected values are NumPy 1.24's, bit for bit.</summary>
public sealed class NumPySumTests
{
    // Expected values from: v = [i * 0.1 + 1.0 / (i + 1) for i in range(n)]; np.add.reduce(np.array(v)); np.mean(v).
    // A plain left-to-right sum differs in the last bits for n = 37, 300 and 1000.
    [Theory]
    [InlineData(5, 3.2833333333333337, 0.6566666666666667)]
    [InlineData(37, 70.80158622382167, 1.9135563844276127)]
    [InlineData(300, 4491.2826638803, 14.970942212934332)]
    [InlineData(1000, 49957.485470860556, 49.957485470860554)]
    public void Sum_and_mean_equal_numpy_bit_for_bit(int n, double expectedSum, double expectedMean)
    {
        double[] values = [.. Enumerable.Range(0, n).Select(i => (i * 0.1) + (1.0 / (i + 1)))];
        Assert.Equal(BitConverter.DoubleToInt64Bits(expectedSum), BitConverter.DoubleToInt64Bits(NumPySum.Sum(values)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expectedMean), BitConverter.DoubleToInt64Bits(NumPySum.Mean(values)));
    }

    [Fact]
    public void Mean_of_nothing_is_zero()
    {
        Assert.Equal(0.0, NumPySum.Mean([]));
    }
}

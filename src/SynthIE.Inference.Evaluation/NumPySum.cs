namespace SynthIE.Inference.Evaluation;

/// <summary>
/// NumPy's floating-point summation of a contiguous 1-D float64 array (what <c>np.mean</c> of a list of floats uses):
/// pairwise summation, blocks of up to 128 values summed with eight interleaved accumulators, longer runs split in
/// two at a multiple of eight. Checked bit for bit against NumPy 1.24's <c>np.add.reduce</c> and <c>np.mean</c>.
/// </summary>
internal static class NumPySum
{
    private const int BlockSize = 128;

    /// <summary>Returns the mean of the values as <c>np.mean</c> computes it; 0 for no values (NumPy gives NaN).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The mean.</returns>
    public static double Mean(ReadOnlySpan<double> values) => values.IsEmpty ? 0.0 : Sum(values) / values.Length;

    /// <summary>Returns the sum of the values as <c>np.add.reduce</c> computes it.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The sum.</returns>
    public static double Sum(ReadOnlySpan<double> values) => Pairwise(values);

    private static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        if (n <= BlockSize)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }

            double result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                result += a[i];
            }

            return result;
        }

        int half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }
}

using System.Text;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// A small deterministic generator (SplitMix64) whose stream depends only on a seed and a name, so every weight tensor
/// can be regenerated on its own. Values use integer arithmetic and exactly rounded float operations only, so the
/// same seed gives the same bits on every machine.
/// </summary>
internal struct SeededRandom
{
    private ulong _state;

    public SeededRandom(int seed, string name)
    {
        // FNV-1a over the name's UTF-8 bytes, mixed with the seed.
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        _state = hash ^ (unchecked((ulong)seed) * 0x9E3779B97F4A7C15UL);
        NextUInt64();
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1) on a 2^-23 grid.</summary>
    public double NextSymmetric() => ((long)(NextUInt64() >> 40) - (1L << 23)) / (double)(1L << 23);

    /// <summary>
    /// A bell-shaped value with mean 0 and variance 1: the sum of three uniforms on [-1, 1) (Irwin–Hall), bounded by ±3.
    /// </summary>
    public double NextNormalish() => NextSymmetric() + NextSymmetric() + NextSymmetric();

    /// <summary>Fills <paramref name="destination"/> with <see cref="NextNormalish"/> values times <paramref name="std"/>.</summary>
    public void FillNormalish(Span<float> destination, double std)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(NextNormalish() * std);
        }
    }
}

using System.Numerics.Tensors;

namespace SynthIE.Inference.Generation;

/// <summary>
/// The normalizer of PyTorch's CPU <c>log_softmax</c> over one logits row, in float32 and in PyTorch's order:
/// <c>logp(x) = (x - max) - log(sum(exp(row - max)))</c>. The search never writes the log-softmaxed row; it applies
/// <see cref="LogProbability"/> to the candidates it looks at, which gives the same float32 values.
/// </summary>
internal static class LogSoftmax
{
    /// <summary>Computes the row's maximum and the log of the sum of <c>exp(x - max)</c>.</summary>
    /// <param name="row">The raw logits (the whole row, padding ids included).</param>
    /// <param name="scratch">At least <c>row.Length</c> floats of scratch space.</param>
    /// <param name="max">The row's maximum.</param>
    /// <param name="logSum">The log of the sum of the shifted exponentials.</param>
    /// <returns><see langword="false"/> when the row holds a NaN or +∞ or is entirely −∞ (no finite maximum).</returns>
    public static bool TryNormalize(ReadOnlySpan<float> row, Span<float> scratch, out float max, out float logSum)
    {
        max = TensorPrimitives.Max(row);
        if (!float.IsFinite(max))
        {
            logSum = float.NaN;
            return false;
        }

        Span<float> shifted = scratch[..row.Length];
        TensorPrimitives.Subtract(row, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        logSum = MathF.Log(TensorPrimitives.Sum(shifted));
        return true;
    }

    /// <summary>Returns a logit's log-probability, <c>(logit - max) - logSum</c> in float32.</summary>
    /// <param name="logit">The raw logit.</param>
    /// <param name="max">The row's maximum from <see cref="TryNormalize"/>.</param>
    /// <param name="logSum">The row's log-sum from <see cref="TryNormalize"/>.</param>
    /// <returns>The log-probability.</returns>
    public static float LogProbability(float logit, float max, float logSum) => (logit - max) - logSum;
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Plain float kernels for <see cref="T5ReferenceForward"/>. Every output element is accumulated in a fixed order with
/// separate multiplies and adds (no fused multiply-add, no width-dependent reductions), so results are the same on every machine.
/// </summary>
internal static class ReferenceMath
{
    /// <summary>[rows, inDim] · [inDim, outDim] → [rows, outDim].</summary>
    public static float[] MatMul(ReadOnlySpan<float> x, int rows, int inDim, ReadOnlySpan<float> w, int outDim)
    {
        var result = new float[rows * outDim];
        for (int r = 0; r < rows; r++)
        {
            Span<float> output = result.AsSpan(r * outDim, outDim);
            ReadOnlySpan<float> input = x.Slice(r * inDim, inDim);
            for (int k = 0; k < inDim; k++)
            {
                AddScaled(output, w.Slice(k * outDim, outDim), input[k]);
            }
        }

        return result;
    }

    /// <summary><c>destination += scale · source</c>, element by element.</summary>
    public static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float scale)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s = Vector128.Create(scale);
            Span<Vector128<float>> d = MemoryMarshal.Cast<float, Vector128<float>>(destination);
            ReadOnlySpan<Vector128<float>> x = MemoryMarshal.Cast<float, Vector128<float>>(source[..destination.Length]);
            for (int v = 0; v < d.Length; v++)
            {
                d[v] = Vector128.Add(d[v], Vector128.Multiply(x[v], s));
            }

            i = d.Length * Vector128<float>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += source[i] * scale;
        }
    }

    /// <summary>T5LayerNorm on each row of [rows, dim]: <c>w · x / sqrt(mean(x²) + eps)</c>.</summary>
    public static float[] RmsNorm(ReadOnlySpan<float> x, int rows, int dim, ReadOnlySpan<float> weight, float epsilon)
    {
        var result = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * dim, dim);
            float sum = 0;
            foreach (float v in row)
            {
                sum += v * v;
            }

            float inverse = 1f / MathF.Sqrt((sum / dim) + epsilon);
            for (int k = 0; k < dim; k++)
            {
                result[(r * dim) + k] = weight[k] * (row[k] * inverse);
            }
        }

        return result;
    }

    public static void AddInPlace(Span<float> destination, ReadOnlySpan<float> source)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    /// <summary>Softmax of <paramref name="values"/> in place (max subtracted first).</summary>
    public static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        float sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
    }

    /// <summary>gelu_new (tanh approximation).</summary>
    public static float GeluTanh(float x)
        => 0.5f * x * (1f + MathF.Tanh(MathF.Sqrt(2f / MathF.PI) * (x + (0.044715f * x * x * x))));
}

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>A float tensor copied out of ONNX Runtime: row-major data and shape.</summary>
internal sealed record FloatTensor(float[] Data, long[] Shape)
{
    /// <summary>Row <paramref name="row"/> of the last position of a [batch, seq, vocab] tensor.</summary>
    public float[] LastPosition(int row)
    {
        long seq = Shape[1], width = Shape[2];
        return Data.AsSpan((int)(((row * seq) + seq - 1) * width), (int)width).ToArray();
    }

    /// <summary>Batch rows [start, start + count) of a tensor whose first axis is the batch.</summary>
    public FloatTensor Rows(int start, int count)
    {
        int rowSize = (int)(Data.Length / Shape[0]);
        long[] shape = (long[])Shape.Clone();
        shape[0] = count;
        return new FloatTensor(Data.AsSpan(start * rowSize, count * rowSize).ToArray(), shape);
    }
}

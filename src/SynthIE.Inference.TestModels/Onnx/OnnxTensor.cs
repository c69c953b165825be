using System.Runtime.InteropServices;

namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>A named constant tensor (<c>TensorProto</c>) stored as little-endian raw data.</summary>
public sealed class OnnxTensor
{
    private readonly byte[] _raw;
    private readonly long[] _dims;

    private OnnxTensor(string name, OnnxElementType type, long[] dims, byte[] raw)
    {
        Name = name;
        ElementType = type;
        _dims = dims;
        _raw = raw;
    }

    /// <summary>Gets the tensor's name.</summary>
    public string Name { get; }

    /// <summary>Gets the element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Gets the size of the data in bytes.</summary>
    public long ByteLength => _raw.LongLength;

    /// <summary>Creates a float tensor.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values in row-major order.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<float> data, params long[] dims)
        => new(name, OnnxElementType.Float, Checked(dims, data.Length), MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>Creates a 64-bit integer tensor.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values in row-major order.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> data, params long[] dims)
        => new(name, OnnxElementType.Int64, Checked(dims, data.Length), MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>Creates a boolean tensor.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values in row-major order.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromBools(string name, ReadOnlySpan<bool> data, params long[] dims)
    {
        var raw = new byte[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            raw[i] = data[i] ? (byte)1 : (byte)0;
        }

        return new(name, OnnxElementType.Bool, Checked(dims, data.Length), raw);
    }

    internal ProtobufWriter ToProto()
    {
        var w = new ProtobufWriter();
        w.WritePackedVarints(1, _dims);
        w.WriteVarint(2, (int)ElementType);
        w.WriteString(8, Name);
        w.WriteBytes(9, _raw);
        return w;
    }

    private static long[] Checked(long[] dims, int count)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long product = 1;
        foreach (long d in dims)
        {
            product *= d;
        }

        if (product != count)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", dims)}] holds {product} elements but {count} values were given.", nameof(dims));
        }

        return dims;
    }
}

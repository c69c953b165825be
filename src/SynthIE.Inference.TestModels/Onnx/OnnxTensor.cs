using System.Globalization;
using System.Runtime.InteropServices;

namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>
/// A named constant tensor (<c>TensorProto</c>) stored as little-endian raw data, either held in memory or
/// produced by a generator at the moment it is written.
/// </summary>
public sealed class OnnxTensor
{
    private readonly byte[]? _raw;
    private readonly OnnxFloatGenerator? _generator;
    private readonly long[] _dims;

    private OnnxTensor(string name, OnnxElementType type, long[] dims, byte[]? raw, OnnxFloatGenerator? generator, long byteLength)
    {
        Name = name;
        ElementType = type;
        _dims = dims;
        _raw = raw;
        _generator = generator;
        ByteLength = byteLength;
    }

    /// <summary>Gets the tensor's name.</summary>
    public string Name { get; }

    /// <summary>Gets the element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Gets the size of the data in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>Gets the shape.</summary>
    public IReadOnlyList<long> Dimensions => _dims;

    /// <summary>Creates a float tensor.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values in row-major order.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<float> data, params long[] dims)
        => InMemory(name, OnnxElementType.Float, Checked(name, dims, data.Length), MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>Creates a float tensor whose values <paramref name="generator"/> produces each time the tensor is written.</summary>
    /// <param name="name">Name.</param>
    /// <param name="generator">Fills the values; must give the same values every time for reproducible files.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromFloatGenerator(string name, OnnxFloatGenerator generator, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(generator);
        long count = ElementCount(name, dims);
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"Tensor '{name}' has {count} elements; at most {Array.MaxLength} are supported.", nameof(dims));
        }

        return new(name, OnnxElementType.Float, dims, null, generator, count * sizeof(float));
    }

    /// <summary>Creates a 64-bit integer tensor.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values in row-major order.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> data, params long[] dims)
        => InMemory(name, OnnxElementType.Int64, Checked(name, dims, data.Length), MemoryMarshal.AsBytes(data).ToArray());

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

        return InMemory(name, OnnxElementType.Bool, Checked(name, dims, data.Length), raw);
    }

    /// <summary>Returns a float tensor's values (generated now for generator-backed tensors).</summary>
    /// <returns>The values in row-major order.</returns>
    /// <exception cref="InvalidOperationException">The tensor does not hold floats.</exception>
    public float[] ToFloatArray()
    {
        if (ElementType != OnnxElementType.Float)
        {
            throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not Float.");
        }

        return MemoryMarshal.Cast<byte, float>(Data()).ToArray();
    }

    /// <summary>Writes the whole tensor (data inline) as an in-memory message.</summary>
    internal ProtobufWriter ToProto()
    {
        ProtobufWriter w = Header(externalLocation: null, externalOffset: 0);
        w.WriteBytes(9, Data());
        return w;
    }

    /// <summary>
    /// The message without its data: shape, type and name, plus the external-data reference (ONNX
    /// <c>external_data</c> location/offset/length and <c>data_location = EXTERNAL</c>) when <paramref name="externalLocation"/> is given.
    /// </summary>
    internal ProtobufWriter Header(string? externalLocation, long externalOffset)
    {
        var w = new ProtobufWriter();
        w.WritePackedVarints(1, _dims);
        w.WriteVarint(2, (int)ElementType);
        w.WriteString(8, Name);
        if (externalLocation is not null)
        {
            WriteEntry(w, "location", externalLocation);
            WriteEntry(w, "offset", externalOffset.ToString(CultureInfo.InvariantCulture));
            WriteEntry(w, "length", ByteLength.ToString(CultureInfo.InvariantCulture));
            w.WriteVarint(14, 1);
        }

        return w;
    }

    /// <summary>The raw little-endian data (generated now for generator-backed tensors).</summary>
    internal ReadOnlySpan<byte> Data()
    {
        if (_raw is not null)
        {
            return _raw;
        }

        var values = new float[ByteLength / sizeof(float)];
        _generator!(values);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing ONNX raw data needs a little-endian machine.");
        }

        return MemoryMarshal.AsBytes(values.AsSpan());
    }

    private static void WriteEntry(ProtobufWriter tensor, string key, string value)
    {
        var entry = new ProtobufWriter();
        entry.WriteString(1, key);
        entry.WriteString(2, value);
        tensor.WriteMessage(13, entry);
    }

    private static OnnxTensor InMemory(string name, OnnxElementType type, long[] dims, byte[] raw)
        => new(name, type, dims, raw, null, raw.LongLength);

    private static long ElementCount(string name, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long product = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in [{string.Join(", ", dims)}].", nameof(dims));
            }

            product *= d;
        }

        return product;
    }

    private static long[] Checked(string name, long[] dims, int count)
    {
        long product = ElementCount(name, dims);
        if (product != count)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", dims)}] holds {product} elements but {count} values were given.", nameof(dims));
        }

        return dims;
    }
}

namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>
/// The external-data file of one model (ONNX's <c>*.onnx_data</c>): tensors at or above a size are stored there,
/// each at an offset aligned to <see cref="Alignment"/> bytes, and referenced by location/offset/length from the model.
/// </summary>
internal sealed class OnnxExternalDataSink
{
    /// <summary>Alignment of each tensor's offset (ONNX Runtime can map aligned data directly).</summary>
    public const int Alignment = 4096;

    private readonly Stream _destination;
    private long _planned;
    private long _written;

    public OnnxExternalDataSink(Stream destination, string location, long minimumBytes)
    {
        _destination = destination;
        Location = location;
        MinimumBytes = minimumBytes;
    }

    /// <summary>Gets the data file's name relative to the model file.</summary>
    public string Location { get; }

    /// <summary>Gets the size from which a tensor goes to the data file.</summary>
    public long MinimumBytes { get; }

    /// <summary>Reserves room for <paramref name="length"/> bytes and returns their offset. Reserve and write in the same order.</summary>
    public long Reserve(long length)
    {
        long offset = AlignUp(_planned);
        _planned = offset + length;
        return offset;
    }

    /// <summary>Writes a tensor's data at the offset <see cref="Reserve"/> gave it.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (offset < _written)
        {
            throw new InvalidOperationException($"External data for '{Location}' written out of order (offset {offset} < {_written}).");
        }

        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        while (_written < offset)
        {
            int n = (int)Math.Min(zeros.Length, offset - _written);
            _destination.Write(zeros[..n]);
            _written += n;
        }

        _destination.Write(data);
        _written += data.Length;
    }

    private static long AlignUp(long value) => (value + Alignment - 1) / Alignment * Alignment;
}

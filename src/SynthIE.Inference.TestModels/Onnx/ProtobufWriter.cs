using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>
/// Minimal protocol-buffers encoder (wire types varint, 64-bit, length-delimited and 32-bit), enough to write ONNX files.
/// Nested messages are written into their own writer and embedded as length-delimited bytes.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Gets the number of bytes written so far.</summary>
    public long Length => _buffer.WrittenCount;

    public void WriteVarint(int field, long value)
    {
        WriteTag(field, 0);
        WriteRawVarint(unchecked((ulong)value));
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, 2);
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WriteMessage(int field, ProtobufWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteTag(field, 2);
        WriteRawVarint((ulong)message._buffer.WrittenCount);
        _buffer.Write(message._buffer.WrittenSpan);
    }

    public void WritePackedVarints(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtobufWriter();
        foreach (long v in values)
        {
            packed.WriteRawVarint(unchecked((ulong)v));
        }

        WriteMessage(field, packed);
    }

    public void WritePackedFloats(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, 2);
        WriteRawVarint((ulong)values.Length * 4);
        Span<byte> bytes = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
            _buffer.Write(bytes);
        }
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Number of bytes of a varint.</summary>
    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Number of bytes a length-delimited field of <paramref name="length"/> payload bytes takes in all.</summary>
    public static long LengthDelimitedSize(int field, long length)
        => VarintSize((ulong)((field << 3) | 2)) + VarintSize((ulong)length) + length;

    /// <summary>Writes the tag and length prefix of a length-delimited field whose payload the caller streams next.</summary>
    public static void WriteLengthPrefix(Stream destination, int field, long length)
    {
        Span<byte> bytes = stackalloc byte[20];
        int n = EncodeVarint(bytes, (ulong)((field << 3) | 2));
        n += EncodeVarint(bytes[n..], (ulong)length);
        destination.Write(bytes[..n]);
    }

    /// <summary>Writes <paramref name="message"/> as a length-delimited field straight to a stream.</summary>
    public static void WriteMessage(Stream destination, int field, ProtobufWriter message)
    {
        WriteLengthPrefix(destination, field, message.Length);
        message.CopyTo(destination);
    }

    public void CopyTo(Stream destination) => destination.Write(_buffer.WrittenSpan);

    private void WriteTag(int field, int wireType) => WriteRawVarint((ulong)((field << 3) | wireType));

    private void WriteRawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private static int EncodeVarint(Span<byte> destination, ulong value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}

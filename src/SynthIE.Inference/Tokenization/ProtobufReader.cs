using System.Buffers.Binary;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// A minimal reader of the protobuf wire format (varints, 32/64-bit fixed values, length-delimited fields), enough for
/// SentencePiece's <c>ModelProto</c>. Malformed input raises <see cref="InvalidDataException"/> naming the source and
/// the byte offset.
/// </summary>
internal ref struct ProtobufReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _sourceName;
    private readonly string _messageName;
    private readonly int _baseOffset;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data, string sourceName, string messageName, int baseOffset = 0)
    {
        _data = data;
        _sourceName = sourceName;
        _messageName = messageName;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field key and returns its field number and wire type.</summary>
    public (int Field, int WireType) ReadKey()
    {
        int at = _position;
        ulong key = ReadVarint();
        int field = (int)(key >> 3);
        int wireType = (int)(key & 7);
        if (field <= 0 || key >> 3 > int.MaxValue)
        {
            throw Error($"invalid field number {key >> 3}", at);
        }

        return (field, wireType);
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        int shift = 0;
        int start = _position;
        while (true)
        {
            if (_position >= _data.Length)
            {
                throw Error("truncated varint", start);
            }

            byte b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw Error("varint longer than 64 bits", start);
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            shift += 7;
            if (shift > 63)
            {
                throw Error("varint longer than 10 bytes", start);
            }
        }
    }

    public float ReadFloat()
    {
        if (_data.Length - _position < 4)
        {
            throw Error("truncated 32-bit value", _position);
        }

        float value = BinaryPrimitives.ReadSingleLittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>Reads a length-delimited field's payload; <paramref name="offset"/> is its offset in the outermost message.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int offset)
    {
        int start = _position;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Error($"length {length} runs past the end of the data ({_data.Length - _position} bytes left)", start);
        }

        offset = _baseOffset + _position;
        ReadOnlySpan<byte> payload = _data.Slice(_position, (int)length);
        _position += (int)length;
        return payload;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                _ = ReadVarint();
                break;
            case WireFixed64:
                Advance(8);
                break;
            case WireLengthDelimited:
                _ = ReadLengthDelimited(out _);
                break;
            case WireFixed32:
                Advance(4);
                break;
            default:
                throw Error($"unsupported wire type {wireType}", _position);
        }
    }

    /// <summary>Fails unless the wire type is the one a field needs.</summary>
    public readonly void Expect(int field, int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw Error($"field {field} has wire type {wireType}, expected {expected}", _position);
        }
    }

    public readonly InvalidDataException Error(string what, int offset) =>
        new($"{_sourceName}: not a valid SentencePiece model: {_messageName}: {what} (at byte {_baseOffset + offset}).");

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw Error($"truncated {count}-byte value", _position);
        }

        _position += count;
    }
}

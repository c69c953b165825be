namespace SynthIE.Inference.Internal;

/// <summary>The CRC-32 of gzip's trailer (IEEE 802.3, reflected polynomial 0xEDB88320), computed incrementally.</summary>
internal struct GzipCrc32
{
    private static readonly uint[] Table = MakeTable();
    private uint _state;

    /// <summary>Initializes a new instance of the <see cref="GzipCrc32"/> struct: the CRC of no bytes.</summary>
    public GzipCrc32() => _state = 0xFFFFFFFFu;

    /// <summary>Gets the CRC of the bytes added so far.</summary>
    public readonly uint Value => ~_state;

    /// <summary>Adds bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint state = _state;
        foreach (byte b in bytes)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        _state = state;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

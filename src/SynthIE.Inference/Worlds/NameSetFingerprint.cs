using System.Buffers;
using System.Text;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// An order-independent 128-bit fingerprint of a collection of names (their UTF-8 bytes), used to tell whether a cached
/// trie was built from the same names. Adding the same names in any order gives the same value.
/// </summary>
internal struct NameSetFingerprint
{
    private const ulong SeedA = 0x5EED_0001_D1C7_A11EUL;
    private const ulong SeedB = 0x5EED_0002_0B5E_55EDUL;

    private ulong _sumA;
    private ulong _sumB;

    /// <summary>Gets the number of names added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a name given as UTF-8 bytes.</summary>
    public void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        ulong a = StableHash.Hash64(utf8, SeedA);
        ulong b = StableHash.Hash64(utf8, SeedB);
        _sumA += StableHash.Finish(a);
        _sumB += StableHash.Finish(b ^ a);
        Count++;
    }

    /// <summary>Adds a name.</summary>
    public void Add(ReadOnlySpan<char> name)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(name, buffer);
        AddUtf8(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the fingerprint (count and both sums, 24 bytes, little-endian) into <paramref name="destination"/>.</summary>
    public readonly void WriteTo(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(destination, Count);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _sumA);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _sumB);
    }

    /// <summary>The number of bytes <see cref="WriteTo"/> writes.</summary>
    public const int Size = 24;
}

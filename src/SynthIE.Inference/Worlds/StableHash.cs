using System.Buffers.Binary;
using System.Numerics;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// A fast, seedable, platform-independent 64-bit hash for lookup tables, name-set fingerprints and file checksums.
/// Not cryptographic; the value is stable across processes, machines and versions of .NET (it is persisted in cache files).
/// </summary>
internal static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;

    /// <summary>Hashes <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static ulong Hash64(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        ulong hash;
        int position = 0;
        if (data.Length >= 32)
        {
            ulong lane1 = seed + Prime1 + Prime2;
            ulong lane2 = seed + Prime2;
            ulong lane3 = seed;
            ulong lane4 = seed - Prime1;
            int blocks = data.Length - 32;
            for (; position <= blocks; position += 32)
            {
                lane1 = Round(lane1, BinaryPrimitives.ReadUInt64LittleEndian(data[position..]));
                lane2 = Round(lane2, BinaryPrimitives.ReadUInt64LittleEndian(data[(position + 8)..]));
                lane3 = Round(lane3, BinaryPrimitives.ReadUInt64LittleEndian(data[(position + 16)..]));
                lane4 = Round(lane4, BinaryPrimitives.ReadUInt64LittleEndian(data[(position + 24)..]));
            }

            hash = BitOperations.RotateLeft(lane1, 1) + BitOperations.RotateLeft(lane2, 7)
                + BitOperations.RotateLeft(lane3, 12) + BitOperations.RotateLeft(lane4, 18);
            hash = MergeLane(hash, lane1);
            hash = MergeLane(hash, lane2);
            hash = MergeLane(hash, lane3);
            hash = MergeLane(hash, lane4);
        }
        else
        {
            hash = seed + Prime3;
        }

        hash += (ulong)data.Length;
        for (; position + 8 <= data.Length; position += 8)
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data[position..]));
            hash = (BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4;
        }

        if (position + 4 <= data.Length)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(data[position..]) * Prime1;
            hash = (BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3;
            position += 4;
        }

        for (; position < data.Length; position++)
        {
            hash ^= data[position] * Prime3;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        return Finish(hash);
    }

    /// <summary>Scrambles a 64-bit value so that every input bit affects every output bit.</summary>
    public static ulong Finish(ulong value)
    {
        value ^= value >> 33;
        value *= Prime2;
        value ^= value >> 29;
        value *= Prime3;
        value ^= value >> 32;
        return value;
    }

    private static ulong Round(ulong accumulator, ulong input)
    {
        accumulator += input * Prime2;
        accumulator = BitOperations.RotateLeft(accumulator, 31);
        return accumulator * Prime1;
    }

    private static ulong MergeLane(ulong hash, ulong lane)
    {
        hash ^= Round(0, lane);
        return (hash * Prime1) + Prime4;
    }
}

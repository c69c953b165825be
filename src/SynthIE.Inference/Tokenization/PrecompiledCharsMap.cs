using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// SentencePiece's precompiled normalization map (e.g. <c>nmt_nfkc</c>), read from the blob stored in a model:
/// a little-endian uint32 with the byte size of a Darts-clone double-array trie, the trie's 32-bit units, then the
/// replacement strings, each ending in a NUL byte. A trie key is a UTF-8 character sequence; its value is the offset of
/// its replacement. Lookups take the longest key that is a prefix of the input, among the first 32 prefix matches, as
/// SentencePiece's <c>Normalizer::NormalizePrefix</c> does.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private const int MaxPrefixResults = 32;

    private readonly uint[] _units;
    private readonly byte[] _replacements;
    private readonly string _sourceName;

    /// <summary>Per ASCII byte: the replacement when the map has no key longer than that byte starting with it.</summary>
    private readonly AsciiRule[] _ascii = new AsciiRule[128];

    private PrecompiledCharsMap(uint[] units, byte[] replacements, string sourceName)
    {
        _units = units;
        _replacements = replacements;
        _sourceName = sourceName;
        for (int b = 0; b < 128; b++)
        {
            _ascii[b] = BuildAsciiRule((byte)b);
        }
    }

    /// <summary>Describes what the map does to one ASCII byte.</summary>
    internal enum AsciiRuleKind : byte
    {
        /// <summary>The byte is kept as is.</summary>
        Identity,

        /// <summary>The byte is replaced by a fixed string.</summary>
        Replaced,

        /// <summary>Some key longer than one byte starts with this byte: look it up in the trie.</summary>
        Lookup,
    }

    /// <summary>Parses the blob, failing with <see cref="InvalidDataException"/> naming <paramref name="sourceName"/>.</summary>
    public static PrecompiledCharsMap Parse(ReadOnlySpan<byte> blob, string sourceName)
    {
        if (blob.Length < 4)
        {
            throw Invalid(sourceName, $"it is {blob.Length} bytes long, shorter than its 4-byte header");
        }

        uint trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieSize > (uint)(blob.Length - 4) || trieSize % 4 != 0 || trieSize == 0)
        {
            throw Invalid(sourceName, $"the trie size {trieSize} does not fit the {blob.Length - 4} bytes after the header or is not a positive multiple of 4");
        }

        uint[] units = new uint[trieSize / 4];
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4 + (4 * i), 4));
        }

        byte[] replacements = blob[(4 + (int)trieSize)..].ToArray();
        return new PrecompiledCharsMap(units, replacements, sourceName);
    }

    /// <summary>Gets the rule for an ASCII byte (0-127).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AsciiRule GetAsciiRule(byte b) => _ascii[b];

    /// <summary>Gets the replacement bytes starting at <paramref name="offset"/> (up to the NUL).</summary>
    public ReadOnlySpan<byte> Replacement(int offset, int length) => _replacements.AsSpan(offset, length);

    /// <summary>
    /// Finds the longest key that is a prefix of <paramref name="input"/>. Returns the key's byte length (0 when none)
    /// and the replacement's offset and length.
    /// </summary>
    public int LongestPrefix(ReadOnlySpan<byte> input, out int replacementOffset, out int replacementLength)
    {
        uint[] units = _units;
        int longest = 0;
        int value = 0;
        int found = 0;
        uint nodePos = 0;
        uint unit = units[0];
        nodePos ^= Offset(unit);
        for (int i = 0; i < input.Length; i++)
        {
            byte c = input[i];
            nodePos ^= c;
            if (nodePos >= (uint)units.Length)
            {
                break;
            }

            unit = units[nodePos];
            if (Label(unit) != c)
            {
                break;
            }

            nodePos ^= Offset(unit);
            if (HasLeaf(unit))
            {
                if (nodePos >= (uint)units.Length)
                {
                    break;
                }

                if (found < MaxPrefixResults)
                {
                    longest = i + 1;
                    value = (int)(units[nodePos] & 0x7FFFFFFFu);
                }

                found++;
            }
        }

        if (longest == 0)
        {
            replacementOffset = 0;
            replacementLength = 0;
            return 0;
        }

        replacementOffset = value;
        replacementLength = ReplacementLength(value);
        return longest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFFu);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static InvalidDataException Invalid(string sourceName, string what) =>
        new($"{sourceName}: invalid normalizer precompiled_charsmap: {what}.");

    private int ReplacementLength(int offset)
    {
        if (offset >= _replacements.Length)
        {
            throw Invalid(_sourceName, $"a key maps to replacement offset {offset}, beyond the {_replacements.Length} bytes of replacement strings");
        }

        int end = _replacements.AsSpan(offset).IndexOf((byte)0);
        return end < 0 ? _replacements.Length - offset : end;
    }

    private AsciiRule BuildAsciiRule(byte b)
    {
        // Walk to the node for this byte; if any child hangs below it, longer keys exist.
        uint nodePos = Offset(_units[0]) ^ b;
        if (nodePos >= (uint)_units.Length || Label(_units[nodePos]) != b)
        {
            return new AsciiRule(AsciiRuleKind.Identity, 0, 0);
        }

        uint unit = _units[nodePos];
        uint childBase = nodePos ^ Offset(unit);
        for (int c = 1; c < 256; c++)
        {
            uint child = childBase ^ (uint)c;
            if (child < (uint)_units.Length && Label(_units[child]) == (uint)c)
            {
                return new AsciiRule(AsciiRuleKind.Lookup, 0, 0);
            }
        }

        ReadOnlySpan<byte> one = [b];
        return LongestPrefix(one, out int offset, out int length) == 1
            ? new AsciiRule(AsciiRuleKind.Replaced, offset, length)
            : new AsciiRule(AsciiRuleKind.Identity, 0, 0);
    }

    /// <summary>What to do with one ASCII byte.</summary>
    internal readonly record struct AsciiRule(AsciiRuleKind Kind, int Offset, int Length);
}

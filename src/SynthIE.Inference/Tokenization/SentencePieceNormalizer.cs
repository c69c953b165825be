using System.Runtime.CompilerServices;
using System.Text;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// SentencePiece's normalizer (<c>Normalizer::Normalize</c>) over UTF-8 bytes: the precompiled character map
/// (longest key match, else one UTF-8 character kept as is; a malformed byte becomes U+FFFD without a map lookup),
/// <c>remove_extra_whitespaces</c> (leading spaces dropped, runs of spaces collapsed, trailing spaces dropped),
/// <c>add_dummy_prefix</c> (a leading space) and <c>escape_whitespaces</c> (space written as U+2581 "▁").
/// Immutable and safe to share between threads.
/// </summary>
internal sealed class SentencePieceNormalizer
{
    private readonly PrecompiledCharsMap? _map;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;

    public SentencePieceNormalizer(PrecompiledCharsMap? map, bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
    {
        _map = map;
        _addDummyPrefix = addDummyPrefix;
        _removeExtraWhitespaces = removeExtraWhitespaces;
        _escapeWhitespaces = escapeWhitespaces;
    }

    /// <summary>Gets U+2581, the visible space SentencePiece writes for a space, in UTF-8.</summary>
    public static ReadOnlySpan<byte> SpaceSymbol => [0xE2, 0x96, 0x81];

    private static ReadOnlySpan<byte> ReplacementCharacter => [0xEF, 0xBF, 0xBD];

    /// <summary>Normalizes <paramref name="input"/> (UTF-8) and appends the result to <paramref name="output"/>.</summary>
    public void Normalize(ReadOnlySpan<byte> input, ref PooledBuffer<byte> output)
    {
        NoNormalizationOffsets none = default;
        Normalize(input, ref output, ref none);
    }

    /// <summary>
    /// Normalizes <paramref name="input"/> (UTF-8) and appends the result to <paramref name="output"/>, telling
    /// <paramref name="offsets"/> which input produced each unit of output.
    /// </summary>
    /// <typeparam name="TOffsets">The receiver; a struct, so the no-op receiver costs nothing.</typeparam>
    public void Normalize<TOffsets>(ReadOnlySpan<byte> input, ref PooledBuffer<byte> output, ref TOffsets offsets)
        where TOffsets : struct, INormalizationOffsets
    {
        int skipped = 0;
        if (_removeExtraWhitespaces)
        {
            // Drop leading input that normalizes to exactly one space.
            while (!input.IsEmpty)
            {
                ReadOnlySpan<byte> prefix = NormalizePrefix(input, out int consumed);
                if (prefix.Length != 1 || prefix[0] != (byte)' ')
                {
                    break;
                }

                input = input[consumed..];
                skipped += consumed;
            }
        }

        offsets.Begin(skipped);
        if (input.IsEmpty)
        {
            return;
        }

        int start = output.Count;
        // Room for the dummy prefix and every remaining byte becoming a 3-byte "▁"; longer replacements grow it below.
        output.EnsureCapacity(start + 3 + (3 * input.Length));
        int written = start;
        byte[] buffer = output.Array;
        if (_addDummyPrefix)
        {
            written = WriteSpace(buffer, written);
            offsets.Unit(start, written, skipped);
        }

        bool isPrevSpace = _removeExtraWhitespaces;
        int position = 0;
        while (position < input.Length)
        {
            byte b = input[position];
            if (b < 0x80 && _map is not null)
            {
                PrecompiledCharsMap.AsciiRule rule = _map.GetAsciiRule(b);
                if (rule.Kind == PrecompiledCharsMap.AsciiRuleKind.Identity)
                {
                    position++;
                    if (b == (byte)' ')
                    {
                        if (!isPrevSpace)
                        {
                            int unitStart = written;
                            written = WriteSpace(buffer, written);
                            offsets.Unit(unitStart, written, skipped + position);
                            isPrevSpace = true;
                        }
                    }
                    else
                    {
                        offsets.Unit(written, written + 1, skipped + position);
                        offsets.Content(skipped + position);
                        buffer[written++] = b;
                        isPrevSpace = false;
                    }

                    if (!_removeExtraWhitespaces)
                    {
                        isPrevSpace = false;
                    }

                    continue;
                }
            }

            ReadOnlySpan<byte> piece = NormalizePrefix(input[position..], out int consumed);
            position += consumed;
            offsets.Step(piece, skipped + position);
            if (isPrevSpace)
            {
                while (!piece.IsEmpty && piece[0] == (byte)' ')
                {
                    piece = piece[1..];
                }
            }

            if (!piece.IsEmpty)
            {
                int needed = written + (3 * piece.Length) + (3 * (input.Length - position));
                if (needed > buffer.Length)
                {
                    output.Count = written;
                    output.EnsureCapacity(needed);
                    buffer = output.Array;
                }

                int unitStart = written;
                for (int n = 0; n < piece.Length; n++)
                {
                    if (piece[n] == (byte)' ' && _escapeWhitespaces)
                    {
                        written = WriteSpace(buffer, written);
                    }
                    else
                    {
                        buffer[written++] = piece[n];
                    }
                }

                offsets.Unit(unitStart, written, skipped + position);
                isPrevSpace = piece[^1] == (byte)' ';
            }

            if (!_removeExtraWhitespaces)
            {
                isPrevSpace = false;
            }
        }

        if (_removeExtraWhitespaces)
        {
            ReadOnlySpan<byte> space = _escapeWhitespaces ? SpaceSymbol : " "u8;
            while (written - start >= space.Length && buffer.AsSpan(written - space.Length, space.Length).SequenceEqual(space))
            {
                written -= space.Length;
            }
        }

        output.Count = written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int WriteSpace(byte[] buffer, int written)
    {
        if (_escapeWhitespaces)
        {
            buffer[written] = 0xE2;
            buffer[written + 1] = 0x96;
            buffer[written + 2] = 0x81;
            return written + 3;
        }

        buffer[written] = (byte)' ';
        return written + 1;
    }

    /// <summary>Normalizes the start of <paramref name="input"/>: returns its replacement and how many bytes it covers.</summary>
    private ReadOnlySpan<byte> NormalizePrefix(ReadOnlySpan<byte> input, out int consumed)
    {
        if (_map is not null)
        {
            byte b = input[0];
            if (b < 0x80)
            {
                PrecompiledCharsMap.AsciiRule rule = _map.GetAsciiRule(b);
                if (rule.Kind == PrecompiledCharsMap.AsciiRuleKind.Identity)
                {
                    consumed = 1;
                    return input[..1];
                }

                if (rule.Kind == PrecompiledCharsMap.AsciiRuleKind.Replaced)
                {
                    consumed = 1;
                    return _map.Replacement(rule.Offset, rule.Length);
                }
            }

            int matched = _map.LongestPrefix(input, out int offset, out int length);
            if (matched > 0)
            {
                consumed = matched;
                return _map.Replacement(offset, length);
            }
        }

        if (Rune.DecodeFromUtf8(input, out _, out int charLength) == System.Buffers.OperationStatus.Done)
        {
            consumed = charLength;
            return input[..charLength];
        }

        // Malformed UTF-8 (here: a lone surrogate from the UTF-16 text): one byte becomes U+FFFD, as SentencePiece does.
        consumed = 1;
        return ReplacementCharacter;
    }
}

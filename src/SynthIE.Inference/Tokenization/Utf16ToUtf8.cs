using System.Buffers;
using System.Text;
using System.Text.Unicode;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>The UTF-16 to UTF-8 transcoding the T5 encoder does before normalizing, into pooled buffers.</summary>
internal static class Utf16ToUtf8
{
    /// <summary>
    /// Transcodes UTF-16 to UTF-8 into <paramref name="utf8"/> (replacing its contents); a lone surrogate becomes the
    /// byte 0xFF, which is never valid UTF-8, so that the normalizer turns it into U+FFFD as SentencePiece does.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="utf8">Where the bytes are written.</param>
    public static void Transcode(ReadOnlySpan<char> text, ref PooledBuffer<byte> utf8)
    {
        utf8.Count = 0;
        utf8.EnsureCapacity(text.Length * 3);
        Span<byte> destination = utf8.Array;
        int written = 0;
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(text, destination[written..], out int read, out int wrote, replaceInvalidSequences: false);
            written += wrote;
            text = text[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }

            // A lone surrogate: write a byte that is never valid UTF-8, which the normalizer turns into U+FFFD.
            destination[written++] = 0xFF;
            text = text[1..];
        }

        utf8.Count = written;
    }

    /// <summary>Transcodes to UTF-8 as <see cref="Transcode(ReadOnlySpan{char}, ref PooledBuffer{byte})"/> does, and records for each byte the index of its character.</summary>
    /// <param name="text">The text.</param>
    /// <param name="utf8">Where the bytes are written.</param>
    /// <param name="characterOfByte">Where, for each byte and one past the last, the index of its character is written.</param>
    public static void Transcode(ReadOnlySpan<char> text, ref PooledBuffer<byte> utf8, ref PooledBuffer<int> characterOfByte)
    {
        utf8.Count = 0;
        utf8.EnsureCapacity(text.Length * 3);
        characterOfByte.Count = 0;
        characterOfByte.EnsureCapacity((text.Length * 3) + 1);
        Span<byte> bytes = utf8.Array;
        Span<int> characters = characterOfByte.Array;
        int written = 0;
        int index = 0;
        while (index < text.Length)
        {
            char c = text[index];
            int length;
            if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                length = new Rune(c, text[index + 1]).EncodeToUtf8(bytes[written..]);
                characters.Slice(written, length).Fill(index);
                index += 2;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate: a byte that is never valid UTF-8, as in the other overload.
                bytes[written] = 0xFF;
                characters[written] = index;
                length = 1;
                index++;
            }
            else
            {
                length = new Rune(c).EncodeToUtf8(bytes[written..]);
                characters.Slice(written, length).Fill(index);
                index++;
            }

            written += length;
        }

        characters[written] = text.Length;
        utf8.Count = written;
        characterOfByte.Count = written + 1;
    }
}

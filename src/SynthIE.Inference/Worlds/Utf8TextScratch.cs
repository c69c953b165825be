using System.Text;
using System.Text.Json;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reusable buffers for reading JSON strings and UTF-8 text without a string per value: unescaped UTF-8 bytes and
/// their UTF-16 chars. One instance per field being read (the spans it returns stay valid until its next use).
/// </summary>
internal sealed class Utf8TextScratch
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _bytes = new byte[256];
    private char[] _chars = new char[256];

    /// <summary>Copies the current JSON string token's unescaped UTF-8 bytes into the buffer and returns them.</summary>
    public ReadOnlySpan<byte> Bytes(scoped ref Utf8JsonReader reader)
    {
        int needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_bytes.Length < needed)
        {
            _bytes = new byte[Math.Max(needed, _bytes.Length * 2)];
        }

        return _bytes.AsSpan(0, reader.CopyString(_bytes));
    }

    /// <summary>Returns <paramref name="utf8"/> as chars; throws <see cref="DecoderFallbackException"/> on invalid UTF-8.</summary>
    public ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8)
    {
        int needed = utf8.Length;
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        return _chars.AsSpan(0, StrictUtf8.GetChars(utf8, _chars));
    }
}

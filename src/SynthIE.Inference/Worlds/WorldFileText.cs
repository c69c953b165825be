using System.Text;

namespace SynthIE.Inference.Worlds;

/// <summary>The small text helpers every world-file reader shares: blank lines and UTF-8 decoding with the file's line in errors.</summary>
internal static class WorldFileText
{
    /// <summary>Tells whether a line holds nothing but spaces, tabs and line-ending characters.</summary>
    /// <param name="line">The line (UTF-8).</param>
    /// <returns>Whether the line is blank.</returns>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r\f\v"u8).IsEmpty;

    /// <summary>
    /// Decodes UTF-8 into <paramref name="scratch"/>'s characters; invalid UTF-8 throws <see cref="WorldFileException"/>
    /// naming the file and line.
    /// </summary>
    /// <param name="scratch">The scratch the characters are written to (valid until its next use).</param>
    /// <param name="utf8">The text.</param>
    /// <param name="path">The file, for the error.</param>
    /// <param name="lineNumber">The line, for the error.</param>
    /// <returns>The characters.</returns>
    public static ReadOnlySpan<char> Chars(Utf8TextScratch scratch, ReadOnlySpan<byte> utf8, string path, long lineNumber)
    {
        try
        {
            return scratch.Chars(utf8);
        }
        catch (DecoderFallbackException exception)
        {
            throw new WorldFileException(path, lineNumber, "the line is not valid UTF-8.", exception);
        }
    }
}

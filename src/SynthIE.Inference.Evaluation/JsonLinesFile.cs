using System.Text;
using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads a JSON Lines file (gzip-compressed when its name ends with <c>.gz</c>) one line at a time, handing each
/// non-blank line to a callback as parsed JSON. Blank lines are counted, never silently dropped; invalid UTF-8 and gzip
/// data that ends early or fails its CRC are errors naming the line reached, never silently replaced or cut.
/// </summary>
internal static class JsonLinesFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads every line.</summary>
    /// <param name="path">The file.</param>
    /// <param name="readLine">Called with each non-blank line's location and root element.</param>
    /// <returns>The number of blank (empty or whitespace-only) lines.</returns>
    /// <exception cref="EvaluationDataException">The file cannot be read, or a line is not valid JSON.</exception>
    public static int Read(string path, Action<JsonLineLocation, JsonElement> readLine)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(readLine);
        int blankLines = 0;
        int lineNumber = 0;
        try
        {
            using Stream file = File.OpenRead(path);
            using Stream content = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new CheckedGzipStream(new BufferedStream(file, 1 << 16))
                : file;
            Utf8LineReader.ForEachLine(content, (bytes, number) =>
            {
                lineNumber = (int)number;
                string line;
                try
                {
                    line = StrictUtf8.GetString(bytes);
                }
                catch (DecoderFallbackException error)
                {
                    throw new EvaluationDataException(path, lineNumber, "is not valid UTF-8 text (the file must be UTF-8)", error);
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    blankLines++;
                    return;
                }

                var location = new JsonLineLocation(path, lineNumber);
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(line);
                }
                catch (JsonException error)
                {
                    throw location.Error($"not valid JSON ({error.Message})", error);
                }

                using (document)
                {
                    try
                    {
                        readLine(location, document.RootElement);
                    }
                    catch (InvalidOperationException error) when (error.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
                    {
                        // System.Text.Json cannot decode a string or field name with an unpaired surrogate escape (\ud800).
                        throw location.Error("a string or field name is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).", error);
                    }
                }
            });
        }
        catch (IOException error)
        {
            throw new EvaluationDataException(path, lineNumber, $"cannot be read ({error.Message})", error);
        }
        catch (InvalidDataException error)
        {
            throw new EvaluationDataException(path, lineNumber + 1, $"is not valid gzip data after line {lineNumber} ({error.Message})", error);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new EvaluationDataException(path, 0, $"cannot be read ({error.Message})", error);
        }

        return blankLines;
    }
}

using System.IO.Compression;
using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads a JSON Lines file (gzip-compressed when its name ends with <c>.gz</c>) one line at a time, handing each
/// non-blank line to a callback as parsed JSON. Blank lines are counted, never silently dropped.
/// </summary>
internal static class JsonLinesFile
{
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
                ? new GZipStream(file, CompressionMode.Decompress)
                : file;
            using var reader = new StreamReader(content, detectEncodingFromByteOrderMarks: true);
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    blankLines++;
                    continue;
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
            }
        }
        catch (IOException error)
        {
            throw new EvaluationDataException(path, lineNumber, $"cannot be read ({error.Message})", error);
        }
        catch (InvalidDataException error)
        {
            throw new EvaluationDataException(path, lineNumber, $"is not valid gzip data ({error.Message})", error);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new EvaluationDataException(path, 0, $"cannot be read ({error.Message})", error);
        }

        return blankLines;
    }
}

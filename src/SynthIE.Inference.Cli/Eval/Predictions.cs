using System.IO.Compression;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Extract;
using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Cli.Eval;

/// <summary>Turns extraction results and prediction files into <see cref="DocumentPrediction"/>s, the same way for both.</summary>
internal static class Predictions
{
    /// <summary>
    /// Makes the prediction for one result exactly as <see cref="PredictionReader.Read(string)"/> reads the result's line
    /// from an <c>extract</c> output file: the best output's fact labels, unparsable when it did not parse cleanly.
    /// </summary>
    /// <param name="id">The gold document's id.</param>
    /// <param name="result">The result.</param>
    /// <returns>The prediction.</returns>
    public static DocumentPrediction FromResult(string id, ExtractionResult result) =>
        DocumentPrediction.FromFacts(
            id,
            [.. result.Facts.Select(fact => new LabelTriplet(fact.Subject.Label, fact.Relation.Label, fact.Object.Label))],
            ResultLines.ParsedCleanly(result.Diagnostics));

    /// <summary>Makes the parser for linearized outputs (<c>raw_output</c> or SynthIE's <c>prediction</c>).</summary>
    /// <param name="linearization">The linearization the outputs were written with.</param>
    /// <returns>The parser: the facts' labels as written, and whether the text parsed cleanly.</returns>
    public static Func<string, (IReadOnlyList<(string S, string R, string O)> Triplets, bool ParsedCleanly)> RawParser(Linearization linearization)
    {
        ArgumentNullException.ThrowIfNull(linearization);
        return text =>
        {
            FactParseResult parsed = linearization.Parse(text);
            return ([.. parsed.Facts.Select(fact => (fact.Subject.Label, fact.Relation.Label, fact.Object.Label))], ResultLines.ParsedCleanly(parsed.Diagnostics));
        };
    }

    /// <summary>
    /// Tells a predictions file's layout from its first non-blank line: <c>facts</c> when it has a <c>facts</c> field
    /// (this tool's output), <c>raw</c> when it has <c>raw_output</c> or <c>prediction</c> (SynthIE's output files).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns><c>facts</c> or <c>raw</c>.</returns>
    /// <exception cref="CliException">The file is empty, its first line is not a JSON object, or it has neither field.</exception>
    public static string DetectKind(string path)
    {
        NumberedLine? line = FirstLine(path);
        if (line is null)
        {
            throw new CliException($"{path}: no predictions (the file has no non-blank line).");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line.Text);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("facts", out _))
                {
                    return "facts";
                }

                if (root.TryGetProperty("raw_output", out _) || root.TryGetProperty("prediction", out _))
                {
                    return "raw";
                }
            }
        }
        catch (JsonException error)
        {
            throw new CliException($"{path}:{line.Number}: not valid JSON ({error.Message})", error);
        }
        catch (InvalidOperationException error) when (error.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            throw new CliException($"{path}:{line.Number}: a field name is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).", error);
        }

        throw new CliException($"{path}:{line.Number}: cannot tell the predictions' layout: expected \"facts\" (synthie extract's output) or \"raw_output\"/\"prediction\" (linearized text); pass --predictions-format.");
    }

    private static NumberedLine? FirstLine(string path)
    {
        try
        {
            using Stream file = File.OpenRead(path);
            using Stream content = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(content, detectEncodingFromByteOrderMarks: true);
            int number = 0;
            while (reader.ReadLine() is { } text)
            {
                number++;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    return new NumberedLine(text, number);
                }
            }

            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliException($"{path}: cannot be read ({error.Message})", error);
        }
    }

    private sealed record NumberedLine(string Text, int Number);
}

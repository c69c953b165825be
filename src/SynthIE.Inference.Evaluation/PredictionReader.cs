using System.Globalization;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads predictions from JSON Lines files (plain or <c>.gz</c>), one document a line. Every non-blank line must be a
/// valid prediction and ids must be unique; otherwise the read fails with an <see cref="EvaluationDataException"/>
/// naming the file, line and field.
/// </summary>
public static class PredictionReader
{
    /// <summary>
    /// Reads structured predictions, as <c>synthie extract</c> writes them: each line has <c>id</c> and <c>facts</c>, a list of
    /// <c>{"subject": {"label": ...}, "relation": {"label": ...}, "object": {"label": ...}}</c>; an optional boolean
    /// <c>parsed_cleanly</c> that is <see langword="false"/> marks the document unparsable.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The predictions.</returns>
    /// <exception cref="EvaluationDataException">The file cannot be read, a line is malformed, or an id repeats.</exception>
    public static PredictionFile Read(string path) => Read(path, new FactsPredictionLineReader());

    /// <summary>
    /// Reads predictions as the model's linearized text and parses each with <paramref name="parser"/>: each line has
    /// <c>id</c> and <c>raw_output</c> (or, as in SynthIE's own output files, <c>prediction</c>: a string or a list
    /// whose first item is used).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="parser">The linearization's parser (see <see cref="DocumentPrediction.FromLinearizedOutput"/>).</param>
    /// <returns>The predictions.</returns>
    /// <exception cref="EvaluationDataException">The file cannot be read, a line is malformed, or an id repeats.</exception>
    public static PredictionFile Read(
        string path,
        Func<string, (IReadOnlyList<(string S, string R, string O)> triplets, bool parsedCleanly)> parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return Read(path, new RawOutputPredictionLineReader(parser));
    }

    /// <summary>Reads a predictions file with the given line schema.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lineReader">Reads one line.</param>
    /// <returns>The predictions.</returns>
    internal static PredictionFile Read(string path, IPredictionLineReader lineReader)
    {
        ArgumentNullException.ThrowIfNull(path);
        var predictions = new List<DocumentPrediction>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        int blankLines = JsonLinesFile.Read(path, (location, root) =>
        {
            location.RequireObject(root, "the line");
            DocumentPrediction prediction = lineReader.Read(location, root);
            if (!firstLineOfId.TryAdd(prediction.Id, location.LineNumber))
            {
                throw location.Error(string.Create(CultureInfo.InvariantCulture,
                    $"prediction id \"{prediction.Id}\" is repeated (first on line {firstLineOfId[prediction.Id]})."));
            }

            predictions.Add(prediction);
        });
        return new PredictionFile(path, predictions, blankLines);
    }
}

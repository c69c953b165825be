using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Turns one line of a predictions file into a <see cref="DocumentPrediction"/>. The CLI's output schema is read
/// only here, so a schema change means one new implementation.
/// </summary>
internal interface IPredictionLineReader
{
    /// <summary>Reads one line.</summary>
    /// <param name="location">The line's file and number, with field helpers that fail naming them.</param>
    /// <param name="line">The line's JSON (already checked to be an object).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="EvaluationDataException">The line is malformed.</exception>
    DocumentPrediction Read(JsonLineLocation location, JsonElement line);
}

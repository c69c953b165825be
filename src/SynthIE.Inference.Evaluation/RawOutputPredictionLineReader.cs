using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads predictions as the model's linearized text and parses it with the linearization's parser: the text is the
/// line's <c>raw_output</c> string, or, for SynthIE's own inference output files, its <c>prediction</c> (a string, or
/// a list of beams of which the first is used, as SynthIE does).
/// </summary>
internal sealed class RawOutputPredictionLineReader : IPredictionLineReader
{
    private readonly Func<string, (IReadOnlyList<(string S, string R, string O)> triplets, bool parsedCleanly)> _parser;

    /// <summary>Initializes a new instance of the <see cref="RawOutputPredictionLineReader"/> class.</summary>
    /// <param name="parser">The linearization's parser (see <see cref="DocumentPrediction.FromLinearizedOutput"/>).</param>
    public RawOutputPredictionLineReader(Func<string, (IReadOnlyList<(string S, string R, string O)> triplets, bool parsedCleanly)> parser)
    {
        _parser = parser;
    }

    /// <inheritdoc/>
    public DocumentPrediction Read(JsonLineLocation location, JsonElement line)
    {
        string id = location.RequiredId(line, "id");
        string text;
        if (line.TryGetProperty("raw_output", out _))
        {
            text = location.RequiredString(line, "raw_output", string.Empty);
        }
        else if (line.TryGetProperty("prediction", out JsonElement prediction))
        {
            text = prediction.ValueKind switch
            {
                JsonValueKind.String => location.Text(prediction, "\"prediction\""),
                JsonValueKind.Array when prediction.GetArrayLength() > 0 && prediction[0].ValueKind == JsonValueKind.String => location.Text(prediction[0], "\"prediction\"[0]"),
                _ => throw location.Error("field \"prediction\" must be a string or a non-empty list of strings."),
            };
        }
        else
        {
            throw location.Error("required field \"raw_output\" is missing (the model's linearized text is needed to parse the predictions).");
        }

        try
        {
            return DocumentPrediction.FromLinearizedOutput(id, text, _parser, location.ToString());
        }
        catch (ArgumentException error)
        {
            throw location.Error(error.Message, error);
        }
    }
}

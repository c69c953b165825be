using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads the lines <c>synthie extract</c> writes (the schema in <c>src/SynthIE.Inference.Cli/README.md</c>):
/// <c>{"id": ..., "facts": [{"subject": {"label": ...}, "relation": {"label": ...}, "object": {"label": ...}}], "parsed_cleanly": true, "diagnostics": [...]}</c>.
/// Other fields (Wikidata ids, <c>raw_output</c>, scores, alternatives) are ignored. The document counts as unparsable
/// when <c>parsed_cleanly</c> is <see langword="false"/>, and as well formed when it is <see langword="true"/> or
/// absent; <c>diagnostics</c>, when present, must be an array.
/// </summary>
internal sealed class FactsPredictionLineReader : IPredictionLineReader
{
    /// <inheritdoc/>
    public DocumentPrediction Read(JsonLineLocation location, JsonElement line)
    {
        string id = location.RequiredId(line, "id");
        LabelTriplet[] triplets = location.RequiredTriplets(line, "facts", "relation", "label");

        return DocumentPrediction.FromFacts(id, triplets, ReadParsedCleanly(location, line), location.ToString());
    }

    private static bool ReadParsedCleanly(JsonLineLocation location, JsonElement line)
    {
        if (line.TryGetProperty("diagnostics", out JsonElement diagnostics) && diagnostics.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            throw location.Error("field \"diagnostics\" must be a JSON array.");
        }

        if (!line.TryGetProperty("parsed_cleanly", out JsonElement parsedCleanly))
        {
            return true;
        }

        return parsedCleanly.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.Null => true,
            JsonValueKind.False => false,
            _ => throw location.Error("field \"parsed_cleanly\" must be a boolean."),
        };
    }
}

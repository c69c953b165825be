using System.Globalization;
using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads the CLI's structured predictions:
/// <c>{"id": ..., "facts": [{"subject": {"label": ...}, "relation": {"label": ...}, "object": {"label": ...}}], "diagnostics": {...}}</c>.
/// Other fields (ids of entities, <c>raw_output</c>, scores) are ignored. The document counts as unparsable when
/// <c>diagnostics.parsed_cleanly</c> is <see langword="false"/>; otherwise it counts as well formed.
/// </summary>
internal sealed class FactsPredictionLineReader : IPredictionLineReader
{
    /// <inheritdoc/>
    public DocumentPrediction Read(JsonLineLocation location, JsonElement line)
    {
        string id = location.RequiredId(line, "id");
        JsonElement facts = location.RequiredArray(line, "facts", string.Empty);
        var triplets = new LabelTriplet[facts.GetArrayLength()];
        int index = 0;
        foreach (JsonElement fact in facts.EnumerateArray())
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"\"facts\"[{index}]");
            location.RequireObject(fact, where);
            triplets[index++] = new LabelTriplet(
                location.TripletPartName(fact, "subject", "label", where),
                location.TripletPartName(fact, "relation", "label", where),
                location.TripletPartName(fact, "object", "label", where));
        }

        return DocumentPrediction.FromFacts(id, triplets, ReadParsedCleanly(location, line), location.ToString());
    }

    private static bool ReadParsedCleanly(JsonLineLocation location, JsonElement line)
    {
        if (!line.TryGetProperty("diagnostics", out JsonElement diagnostics) || diagnostics.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        location.RequireObject(diagnostics, "field \"diagnostics\"");
        if (!diagnostics.TryGetProperty("parsed_cleanly", out JsonElement parsedCleanly))
        {
            return true;
        }

        return parsedCleanly.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw location.Error("field diagnostics.parsed_cleanly must be a boolean."),
        };
    }
}

using System.Text.Json;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>Builds lines of the gold and prediction layouts for the tests.</summary>
internal static class JsonLines
{
    /// <summary>A line of SynthIE's dataset layout (numeric id, as in SynthIE's files).</summary>
    public static string SynthIEGold(int id, params (string S, string R, string O)[] triplets) => JsonSerializer.Serialize(new
    {
        id,
        text = $"Text of document {id}.",
        triplets = triplets.Select(t => new
        {
            subject = new { surfaceform = t.S, uri = "Q1" },
            predicate = new { surfaceform = t.R, uri = "P1" },
            @object = new { surfaceform = t.O, uri = "Q2" },
        }),
    });

    /// <summary>A line of our CLI's structured prediction layout.</summary>
    public static string Facts(string id, bool? parsedCleanly, params (string S, string R, string O)[] facts) => JsonSerializer.Serialize(new
    {
        id,
        facts = facts.Select(t => new
        {
            subject = new { label = t.S, id = "Q1" },
            relation = new { label = t.R, id = "P1" },
            @object = new { label = t.O, id = "Q2" },
        }),
        diagnostics = parsedCleanly is null ? null : new { parsed_cleanly = parsedCleanly.Value },
    });

    /// <summary>A line with the model's linearized output.</summary>
    public static string RawOutput(string id, string rawOutput) => JsonSerializer.Serialize(new { id, raw_output = rawOutput });
}

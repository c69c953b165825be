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

    /// <summary>A line of synthie extract's output (only the fields the reader uses, plus ids and diagnostics as written).</summary>
    public static string Facts(string id, bool? parsedCleanly, params (string S, string R, string O)[] facts) => JsonSerializer.Serialize(new
    {
        id,
        facts = facts.Select(t => new
        {
            subject = new { label = t.S, wikidata_ids = new[] { "Q1" } },
            relation = new { label = t.R, wikidata_ids = new[] { "P1" } },
            @object = new { label = t.O, wikidata_ids = new[] { "Q2" } },
            duplicate = false,
        }),
        parsed_cleanly = parsedCleanly,
        diagnostics = parsedCleanly == false
            ? new[] { new { kind = "missing_end_marker", position = 0, fragment = string.Empty, message = "no end marker" } }
            : [],
    });

    /// <summary>A line with the model's linearized output.</summary>
    public static string RawOutput(string id, string rawOutput) => JsonSerializer.Serialize(new { id, raw_output = rawOutput });
}

using System.Globalization;
using System.Text.Json;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Reads gold documents from JSON Lines files in SynthIE's or REBEL's layout (see <see cref="GoldFormat"/>), plain or
/// gzip-compressed (<c>.gz</c>). Every non-blank line must be a valid document; blank lines are counted in
/// <see cref="GoldDataset.BlankLineCount"/>. Nothing else is skipped: a malformed line fails the whole read with an
/// <see cref="EvaluationDataException"/> naming the file, line and field.
/// </summary>
public static class GoldReader
{
    /// <summary>Reads a gold file.</summary>
    /// <param name="path">The file (<c>.jsonl</c> or <c>.jsonl.gz</c>).</param>
    /// <param name="format">
    /// The layout; <see langword="null"/> detects it from the first non-blank line (<c>triplets</c> → SynthIE,
    /// <c>triples</c> → REBEL). Every line must then have that layout.
    /// </param>
    /// <returns>The documents (none for a file without non-blank lines; its format is then <paramref name="format"/>, or SynthIE).</returns>
    /// <exception cref="EvaluationDataException">
    /// The file cannot be read; a line is not JSON, lacks a field, has a field of the wrong type or an empty name,
    /// does not match the layout; the layout cannot be detected; or two documents share an id.
    /// </exception>
    public static GoldDataset Read(string path, GoldFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var documents = new List<GoldDocument>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        GoldFormat? layout = format;
        int blankLines = JsonLinesFile.Read(path, (location, root) =>
        {
            location.RequireObject(root, "the line");
            layout ??= Detect(location, root);
            GoldDocument document = layout == GoldFormat.SynthIE ? ReadSynthIE(location, root) : ReadRebel(location, root);
            if (!firstLineOfId.TryAdd(document.Id, location.LineNumber))
            {
                throw location.Error(string.Create(CultureInfo.InvariantCulture,
                    $"document id \"{document.Id}\" is repeated (first on line {firstLineOfId[document.Id]})."));
            }

            documents.Add(document);
        });
        return new GoldDataset(path, layout ?? format ?? GoldFormat.SynthIE, documents, blankLines);
    }

    private static GoldFormat Detect(JsonLineLocation location, JsonElement root)
    {
        bool synthIE = root.TryGetProperty("triplets", out _);
        bool rebel = root.TryGetProperty("triples", out _);
        return (synthIE, rebel) switch
        {
            (true, false) => GoldFormat.SynthIE,
            (false, true) => GoldFormat.Rebel,
            (true, true) => throw location.Error("cannot tell the gold format: the line has both \"triplets\" (SynthIE) and \"triples\" (REBEL); pass the format explicitly."),
            _ => throw location.Error("cannot tell the gold format: the line has neither \"triplets\" (SynthIE: id, text, triplets) nor \"triples\" (REBEL: docid, text, triples)."),
        };
    }

    private static GoldDocument ReadSynthIE(JsonLineLocation location, JsonElement root)
    {
        if (!root.TryGetProperty("triplets", out _) && root.TryGetProperty("triples", out _))
        {
            throw location.Error("the line is in REBEL's layout (\"triples\") but the file is read as SynthIE's (\"triplets\").");
        }

        string id = location.RequiredId(root, "id");
        string text = location.RequiredString(root, "text", string.Empty);
        return new GoldDocument(id, text, ReadTriplets(location, root, "triplets"), location.ToString());
    }

    private static GoldDocument ReadRebel(JsonLineLocation location, JsonElement root)
    {
        if (!root.TryGetProperty("triples", out _) && root.TryGetProperty("triplets", out _))
        {
            throw location.Error("the line is in SynthIE's layout (\"triplets\") but the file is read as REBEL's (\"triples\").");
        }

        string id = location.RequiredId(root, "docid");
        string text = location.RequiredString(root, "text", string.Empty);
        return new GoldDocument(id, text, ReadTriplets(location, root, "triples"), location.ToString());
    }

    private static LabelTriplet[] ReadTriplets(JsonLineLocation location, JsonElement root, string field) =>
        location.RequiredTriplets(root, field, "predicate", "surfaceform");
}

using System.Text.Json;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>
/// A file of (decoder prefix → allowed next ids) cases computed with SynthIE's own <c>prefix_allowed_tokens_fn</c>
/// (schema in shared/README.md): the catalog, and per linearization the cases and linearized targets.
/// </summary>
internal sealed class PrefixCaseFile
{
    public required string Path { get; init; }

    public required IReadOnlyList<string> EntityNames { get; init; }

    public required IReadOnlyList<string> RelationNames { get; init; }

    public required IReadOnlyDictionary<string, Section> Linearizations { get; init; }

    public static PrefixCaseFile Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement root = document.RootElement;
        var sections = new Dictionary<string, Section>();
        foreach (JsonProperty linearization in root.GetProperty("linearizations").EnumerateObject())
        {
            JsonElement section = linearization.Value;
            int[][] sets = [.. section.GetProperty("allowed_sets").EnumerateArray().Select(set => set.EnumerateArray().Select(id => id.GetInt32()).ToArray())];
            Case[] cases = [.. section.GetProperty("cases").EnumerateArray().Select(c => new Case(
                [.. c.GetProperty("prefix").EnumerateArray().Select(id => id.GetInt32())],
                sets[c.GetProperty("allowed").GetInt32()]))];
            Target[] targets = section.TryGetProperty("targets", out JsonElement targetArray)
                ? [.. targetArray.EnumerateArray().Select(t => new Target(
                    t.GetProperty("docid").ToString(),
                    [.. t.GetProperty("triplets").EnumerateArray().Select(triplet => (triplet[0].GetString()!, triplet[1].GetString()!, triplet[2].GetString()!))],
                    t.GetProperty("text").GetString()!,
                    [.. t.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32())]))]
                : [];
            sections[linearization.Name] = new Section(cases, targets);
        }

        return new PrefixCaseFile
        {
            Path = path,
            EntityNames = [.. root.GetProperty("entity_names").EnumerateArray().Select(name => name.GetString()!)],
            RelationNames = [.. root.GetProperty("relation_names").EnumerateArray().Select(name => name.GetString()!)],
            Linearizations = sections,
        };
    }

    internal sealed record Section(IReadOnlyList<Case> Cases, IReadOnlyList<Target> Targets);

    internal sealed record Case(int[] Prefix, int[] Allowed);

    internal sealed record Target(string DocumentId, IReadOnlyList<(string Subject, string Relation, string Object)> Triplets, string Text, int[] Ids);
}

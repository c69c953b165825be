namespace SynthIE.Inference;

/// <summary>
/// The subject, relation or object of a <see cref="Fact"/>: the name as the model wrote it and, when a world was
/// given to the parser, every Wikidata id that has that name (empty when none is known).
/// </summary>
/// <param name="Label">The name in SynthIE's spelling (entity names use <c>_</c> for spaces, relation names keep spaces).</param>
/// <param name="WikidataIds">The Wikidata ids (<c>Q…</c> or <c>P…</c>) with this name in the world; empty without a world or when unknown.</param>
public sealed record FactArgument(string Label, IReadOnlyList<string> WikidataIds)
{
    /// <summary>Creates an argument without Wikidata ids.</summary>
    /// <param name="label">The name.</param>
    public FactArgument(string label)
        : this(label, [])
    {
    }

    /// <summary>Compares the label and the ids, in order.</summary>
    /// <param name="other">The other argument.</param>
    /// <returns>Whether both are equal.</returns>
    public bool Equals(FactArgument? other) =>
        other is not null
        && string.Equals(Label, other.Label, StringComparison.Ordinal)
        && WikidataIds.SequenceEqual(other.WikidataIds, StringComparer.Ordinal);

    /// <summary>Returns a hash of the label.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Label);

    /// <summary>Returns the label, followed by the ids in parentheses when there are any.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        WikidataIds.Count == 0 ? Label : $"{Label} ({string.Join(", ", WikidataIds)})";
}

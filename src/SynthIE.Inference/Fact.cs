namespace SynthIE.Inference;

/// <summary>One (subject, relation, object) fact read from a model's output, in output order.</summary>
/// <param name="Subject">The subject entity.</param>
/// <param name="Relation">The relation.</param>
/// <param name="Object">The object entity.</param>
/// <param name="IsDuplicate">
/// Whether the same (subject, relation, object) labels already occurred earlier in the same output. SynthIE's
/// evaluation counts a fact once (it keeps a set); duplicates are kept here, flagged, so nothing disappears silently.
/// </param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Subject, relation and object are the standard names of a fact's parts.")]
public sealed record Fact(FactArgument Subject, FactArgument Relation, FactArgument Object, bool IsDuplicate)
{
    /// <summary>Returns <c>(subject, relation, object)</c> with the labels.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"({Subject.Label}, {Relation.Label}, {Object.Label}){(IsDuplicate ? " [duplicate]" : string.Empty)}";
}

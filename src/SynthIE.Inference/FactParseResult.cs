namespace SynthIE.Inference;

/// <summary>The facts read from one model output, in order, with the problems found on the way.</summary>
/// <param name="Text">The parsed text.</param>
/// <param name="Facts">The facts in output order, duplicates included and flagged.</param>
/// <param name="Diagnostics">Problems found, in text order; empty for a well-formed output.</param>
public sealed record FactParseResult(string Text, IReadOnlyList<Fact> Facts, IReadOnlyList<ParseDiagnostic> Diagnostics)
{
    /// <summary>Gets whether the output parsed without any diagnostic.</summary>
    public bool IsWellFormed => Diagnostics.Count == 0;

    /// <summary>Gets the facts without the flagged duplicates (the set SynthIE's evaluation uses, in first-seen order).</summary>
    public IEnumerable<Fact> DistinctFacts => Facts.Where(fact => !fact.IsDuplicate);
}

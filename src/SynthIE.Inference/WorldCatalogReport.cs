using System.Collections.ObjectModel;

namespace SynthIE.Inference;

/// <summary>What was left out while a catalog was built, counted by reason, with the first examples.</summary>
public sealed class WorldCatalogReport
{
    /// <summary>How many examples <see cref="Examples"/> keeps at most.</summary>
    public const int MaxExamples = 100;

    internal WorldCatalogReport(IReadOnlyDictionary<WorldIssueKind, int> skipped, IReadOnlyList<WorldIssue> examples)
    {
        Skipped = skipped;
        Examples = examples;
    }

    /// <summary>Gets the number of entries left out, by reason (reasons with none are absent).</summary>
    public IReadOnlyDictionary<WorldIssueKind, int> Skipped { get; }

    /// <summary>Gets the first <see cref="MaxExamples"/> entries left out, in input order.</summary>
    public IReadOnlyList<WorldIssue> Examples { get; }

    /// <summary>Gets the total number of entries left out.</summary>
    public int TotalSkipped => Skipped.Values.Sum();

    internal static WorldCatalogReport Empty { get; } =
        new(new ReadOnlyDictionary<WorldIssueKind, int>(new Dictionary<WorldIssueKind, int>()), []);

    /// <summary>Returns the counts, e.g. <c>"2 EmptyLabel, 1 DuplicateEntry"</c>, or <c>"nothing skipped"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        Skipped.Count == 0 ? "nothing skipped" : string.Join(", ", Skipped.Select(pair => $"{pair.Value} {pair.Key}"));
}

using SynthIE.Inference.Facts;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference;

/// <summary>
/// One of SynthIE's linearizations: the marker strings that frame each part of a fact, how markers follow each other,
/// and how names are spelled (entity names use <c>_</c> for spaces, relation names keep spaces).
/// Instances are immutable; use <see cref="FullyExpanded"/>, <see cref="SubjectCollapsed"/> or
/// <see cref="FullyExpandedWithEntityTypes"/>.
/// </summary>
public sealed class Linearization
{
    private Linearization(LinearizationKind kind, string identifier, string endMarker, bool collapsesSubjects)
    {
        Kind = kind;
        Identifier = identifier;
        EndMarker = endMarker;
        CollapsesSubjects = collapsesSubjects;
        Markers = [SubjectMarker, RelationMarker, ObjectMarker, EndMarker];
    }

    /// <summary>Gets SynthIE's <c>fully_expanded</c> linearization.</summary>
    public static Linearization FullyExpanded { get; } =
        new(LinearizationKind.FullyExpanded, "fully_expanded", "[e]", collapsesSubjects: false);

    /// <summary>Gets SynthIE's <c>subject_collapsed</c> linearization.</summary>
    public static Linearization SubjectCollapsed { get; } =
        new(LinearizationKind.SubjectCollapsed, "subject_collapsed", "[e]", collapsesSubjects: true);

    /// <summary>Gets SynthIE's <c>fully_expanded_et</c> linearization (facts end with <c>[et]</c>).</summary>
    public static Linearization FullyExpandedWithEntityTypes { get; } =
        new(LinearizationKind.FullyExpandedWithEntityTypes, "fully_expanded_et", "[et]", collapsesSubjects: false);

    /// <summary>Gets which linearization this is.</summary>
    internal LinearizationKind Kind { get; }

    /// <summary>Gets SynthIE's identifier (<c>fully_expanded</c>, <c>subject_collapsed</c> or <c>fully_expanded_et</c>).</summary>
    public string Identifier { get; }

    /// <summary>Gets the marker written before a subject: <c>[s]</c>.</summary>
    public string SubjectMarker { get; } = "[s]";

    /// <summary>Gets the marker written before a relation: <c>[r]</c>.</summary>
    public string RelationMarker { get; } = "[r]";

    /// <summary>Gets the marker written before an object: <c>[o]</c>.</summary>
    public string ObjectMarker { get; } = "[o]";

    /// <summary>Gets the marker that closes a fact (or, subject-collapsed, a group of facts): <c>[e]</c> or <c>[et]</c>.</summary>
    public string EndMarker { get; }

    /// <summary>Gets the four markers in the order subject, relation, object, end.</summary>
    public IReadOnlyList<string> Markers { get; }

    /// <summary>
    /// Gets whether consecutive facts with the same subject share one <c>[s] subject</c> and one end marker
    /// (after an object, either <c>[r]</c> or the end marker may follow).
    /// </summary>
    public bool CollapsesSubjects { get; }

    /// <summary>Returns the linearization of the given kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The shared instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    internal static Linearization FromKind(LinearizationKind kind) => kind switch
    {
        LinearizationKind.FullyExpanded => FullyExpanded,
        LinearizationKind.SubjectCollapsed => SubjectCollapsed,
        LinearizationKind.FullyExpandedWithEntityTypes => FullyExpandedWithEntityTypes,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown linearization kind."),
    };

    /// <summary>Returns the linearization with SynthIE's identifier (as in a checkpoint's <c>linearization_class_id</c>).</summary>
    /// <param name="identifier"><c>fully_expanded</c>, <c>subject_collapsed</c> or <c>fully_expanded_et</c>.</param>
    /// <returns>The shared instance.</returns>
    /// <exception cref="ArgumentException">The identifier is unknown.</exception>
    public static Linearization FromIdentifier(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        foreach (Linearization candidate in (Linearization[])[FullyExpanded, SubjectCollapsed, FullyExpandedWithEntityTypes])
        {
            if (string.Equals(candidate.Identifier, identifier, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        throw new ArgumentException(
            $"Unknown linearization identifier '{identifier}': expected fully_expanded, subject_collapsed or fully_expanded_et.",
            nameof(identifier));
    }

    /// <summary>
    /// Spells an entity name the way SynthIE writes it: surrounding whitespace removed, every space replaced by <c>_</c>
    /// (<c>"Charleston, South Carolina"</c> → <c>"Charleston,_South_Carolina"</c>).
    /// </summary>
    /// <param name="name">A label.</param>
    /// <returns>The entity name.</returns>
    public static string NormalizeEntityName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return PythonText.Strip(name).Replace(' ', '_');
    }

    /// <summary>
    /// Spells a relation name the way SynthIE writes it: surrounding whitespace removed, every <c>_</c> replaced by a
    /// space.
    /// </summary>
    /// <param name="name">A label.</param>
    /// <returns>The relation name.</returns>
    public static string NormalizeRelationName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return PythonText.Strip(name).Replace('_', ' ');
    }

    /// <summary>
    /// Reads the facts of a model output written in this linearization (the decoded text, special tokens skipped), as
    /// SynthIE's <c>text_to_triplet_list</c> does: in order, duplicates kept and flagged, and every part that does not
    /// follow the linearization reported as a <see cref="ParseDiagnostic"/> instead of being dropped silently.
    /// </summary>
    /// <param name="output">The output text, e.g. <c>"[s] Marie_Curie [r] place of birth [o] Warsaw [e]"</c>.</param>
    /// <param name="world">The world whose Wikidata ids to attach to the names, or <see langword="null"/> for labels only.</param>
    /// <returns>The facts and diagnostics.</returns>
    public FactParseResult Parse(string output, World? world = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new FactParser(this, world).Parse(output);
    }

    /// <summary>Returns <see cref="Identifier"/>.</summary>
    /// <returns>The identifier.</returns>
    public override string ToString() => Identifier;
}

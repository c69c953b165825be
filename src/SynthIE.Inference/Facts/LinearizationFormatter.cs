using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Facts;

/// <summary>
/// Writes facts as SynthIE's training targets: the text of <c>triplet_list_to_text</c> and its token ids, made the
/// way SynthIE makes them (every part tokenized on its own, each part's end token dropped, one end token at the end),
/// which is what the constraint accepts token by token.
/// </summary>
internal static class LinearizationFormatter
{
    /// <summary>
    /// Returns the target text for <paramref name="facts"/>. Names are spelled the SynthIE way (entities trimmed with
    /// <c>_</c> for spaces, relations trimmed with spaces for <c>_</c>).
    /// </summary>
    /// <param name="linearization">The linearization.</param>
    /// <param name="facts">(subject, relation, object) labels, in order.</param>
    /// <returns>The text, e.g. <c>[s] Douglas_Adams [r] occupation [o] Novelist [e]</c>.</returns>
    public static string Format(Linearization linearization, IEnumerable<(string Subject, string Relation, string Object)> facts) =>
        string.Concat(FormatParts(linearization, facts));

    /// <summary>Returns the target text for facts read earlier (their labels are used).</summary>
    /// <param name="linearization">The linearization.</param>
    /// <param name="facts">The facts, in order.</param>
    /// <returns>The text.</returns>
    public static string Format(Linearization linearization, IEnumerable<Fact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Format(linearization, facts.Select(fact => (fact.Subject.Label, fact.Relation.Label, fact.Object.Label)));
    }

    /// <summary>
    /// Returns the parts SynthIE joins into the target text: markers, single spaces and names, in order
    /// (each is tokenized on its own for the ids).
    /// </summary>
    internal static List<string> FormatParts(Linearization linearization, IEnumerable<(string Subject, string Relation, string Object)> facts)
    {
        ArgumentNullException.ThrowIfNull(linearization);
        ArgumentNullException.ThrowIfNull(facts);
        var parts = new List<string>();
        if (!linearization.CollapsesSubjects)
        {
            foreach ((string subject, string relation, string @object) in facts)
            {
                CheckFact(subject, relation, @object);
                parts.AddRange([
                    linearization.SubjectMarker, " ", Linearization.NormalizeEntityName(subject), " ",
                    linearization.RelationMarker, " ", Linearization.NormalizeRelationName(relation), " ",
                    linearization.ObjectMarker, " ", Linearization.NormalizeEntityName(@object), " ",
                    linearization.EndMarker, " ",
                ]);
            }

            // The separator after the last fact is dropped.
            if (parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }

            return parts;
        }

        // Subject collapsed: a new group ("[e] [s] subject") whenever the raw subject changes; the leading "[e] " is
        // dropped and one end marker closes the text (so no facts give just the end marker).
        string? currentSubject = null;
        foreach ((string subject, string relation, string @object) in facts)
        {
            CheckFact(subject, relation, @object);
            if (currentSubject is null || !string.Equals(currentSubject, subject, StringComparison.Ordinal))
            {
                currentSubject = subject;
                parts.AddRange([linearization.EndMarker, " ", linearization.SubjectMarker, " ", Linearization.NormalizeEntityName(subject), " "]);
            }

            parts.AddRange([
                linearization.RelationMarker, " ", Linearization.NormalizeRelationName(relation), " ",
                linearization.ObjectMarker, " ", Linearization.NormalizeEntityName(@object), " ",
            ]);
        }

        parts.RemoveRange(0, Math.Min(2, parts.Count));
        parts.Add(linearization.EndMarker);
        return parts;
    }

    /// <summary>
    /// Returns the target ids for <paramref name="facts"/> as SynthIE makes them: every part of the text (marker, space,
    /// name) tokenized on its own, each part's end token dropped, one end token at the end. Every prefix of these ids is
    /// accepted by a <see cref="Constraints.SynthIEConstraint"/> whose world has the names.
    /// </summary>
    /// <param name="linearization">The linearization.</param>
    /// <param name="facts">(subject, relation, object) labels, in order.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <returns>The ids, ending with the end token.</returns>
    public static int[] FormatIds(
        Linearization linearization,
        IEnumerable<(string Subject, string Relation, string Object)> facts,
        T5Tokenizer tokenizer) =>
        FormatIds(linearization, facts, T5TokenSequenceEncoder.For(tokenizer));

    /// <summary>Returns the target ids: each part's ids without its end token, concatenated, then one end token.</summary>
    internal static int[] FormatIds(
        Linearization linearization,
        IEnumerable<(string Subject, string Relation, string Object)> facts,
        ITokenSequenceEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var ids = new List<int>();
        foreach (string part in FormatParts(linearization, facts))
        {
            ids.AddRange(encoder.EncodeWithoutEnd(part));
        }

        ids.Add(encoder.EndOfSequenceId);
        return [.. ids];
    }

    private static void CheckFact(string subject, string relation, string @object)
    {
        if (subject is null || relation is null || @object is null)
        {
            throw new ArgumentException("A fact has a null subject, relation or object.");
        }
    }
}

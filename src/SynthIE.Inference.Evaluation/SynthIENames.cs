namespace SynthIE.Inference.Evaluation;

/// <summary>
/// The form SynthIE compares names in. Its gold triplets go through the linearization and back
/// (<c>triplet_list_to_text</c> then <c>text_to_triplet_list</c> in <c>src/utils/linearization_utils.py</c>): entity
/// names are stripped and their spaces become <c>_</c>; relation names are stripped and their <c>_</c> become spaces;
/// every part is stripped again when the text is split.
/// </summary>
internal static class SynthIENames
{
    /// <summary>Normalizes an entity name: trimmed, spaces replaced by <c>_</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The compared form.</returns>
    public static string Entity(string name) => name.Trim().Replace(' ', '_');

    /// <summary>Normalizes a relation name: <c>_</c> replaced by spaces, trimmed.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The compared form.</returns>
    public static string Relation(string name) => name.Replace('_', ' ').Trim();

    /// <summary>Normalizes a triplet's three names.</summary>
    /// <param name="triplet">The triplet.</param>
    /// <returns>The compared form.</returns>
    public static LabelTriplet Triplet(LabelTriplet triplet) =>
        new(Entity(triplet.SubjectName), Relation(triplet.RelationName), Entity(triplet.ObjectName));
}

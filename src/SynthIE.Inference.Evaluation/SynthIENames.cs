using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// The form SynthIE compares names in. Its gold triplets go through the linearization and back
/// (<c>triplet_list_to_text</c> then <c>text_to_triplet_list</c> in <c>src/utils/linearization_utils.py</c>): each name
/// is spelled as the linearization writes it (<see cref="Linearization.NormalizeEntityName"/>,
/// <see cref="Linearization.NormalizeRelationName"/>: Python-stripped, then spaces to <c>_</c> for entities and
/// <c>_</c> to spaces for relations), and every part is Python-stripped again when the text is split, so a relation
/// <c>"_x"</c> is compared as <c>"x"</c>. Python's whitespace (<see cref="PythonText"/>) includes U+001C..U+001F, which
/// <see cref="string.Trim()"/> keeps.
/// </summary>
internal static class SynthIENames
{
    /// <summary>Normalizes an entity name as the linearization round trip does.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The compared form.</returns>
    public static string Entity(string name) => PythonText.Strip(Linearization.NormalizeEntityName(name));

    /// <summary>Normalizes a relation name as the linearization round trip does.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The compared form.</returns>
    public static string Relation(string name) => PythonText.Strip(Linearization.NormalizeRelationName(name));

    /// <summary>Normalizes a triplet's three names.</summary>
    /// <param name="triplet">The triplet.</param>
    /// <returns>The compared form.</returns>
    public static LabelTriplet Triplet(LabelTriplet triplet) =>
        new(Entity(triplet.SubjectName), Relation(triplet.RelationName), Entity(triplet.ObjectName));
}

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// A fact as three names: the subject entity, the relation and the object entity, compared by ordinal string equality.
/// </summary>
/// <param name="SubjectName">The subject entity's name.</param>
/// <param name="RelationName">The relation's name.</param>
/// <param name="ObjectName">The object entity's name (or literal value).</param>
public readonly record struct LabelTriplet(string SubjectName, string RelationName, string ObjectName)
{
    /// <summary>Returns the triplet as <c>(subject; relation; object)</c>, for messages and reports.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"({SubjectName}; {RelationName}; {ObjectName})";
}

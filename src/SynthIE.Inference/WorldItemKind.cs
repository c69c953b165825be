namespace SynthIE.Inference;

/// <summary>Whether a catalog holds entities or relations; it decides how names are spelled.</summary>
public enum WorldItemKind
{
    /// <summary>Entities: names trimmed, spaces written as <c>_</c> (SynthIE's <c>keep_spaces_entities = False</c>).</summary>
    Entity,

    /// <summary>Relations: names trimmed, <c>_</c> written as spaces (SynthIE's <c>keep_spaces_relations = True</c>).</summary>
    Relation,
}

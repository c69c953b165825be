namespace SynthIE.Inference.Constraints;

/// <summary>
/// Where a hypothesis is in SynthIE's marker grammar: which complete marker came last (SynthIE's <c>state_id</c>), or
/// none yet, or finished. Stored in <see cref="ConstraintState.Phase"/>.
/// </summary>
internal enum SynthIEPhase
{
    /// <summary>No complete marker yet (SynthIE treats it like <see cref="Closed"/>, with the start token in the suffix).</summary>
    Start = 0,

    /// <summary>After <c>[s]</c>: writing a subject (entity trie).</summary>
    Subject = 1,

    /// <summary>After <c>[r]</c>: writing a relation (relation trie).</summary>
    Relation = 2,

    /// <summary>After <c>[o]</c>: writing an object (entity trie).</summary>
    Object = 3,

    /// <summary>After the end marker (<c>[e]</c> or <c>[et]</c>): the end token or the next <c>[s]</c>.</summary>
    Closed = 4,

    /// <summary>After the end token: nothing is allowed.</summary>
    Finished = 5,

    /// <summary>After a token that was not allowed: nothing is allowed.</summary>
    Dead = 6,
}

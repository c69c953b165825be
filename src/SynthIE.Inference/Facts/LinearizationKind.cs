namespace SynthIE.Inference.Facts;

/// <summary>The ways SynthIE writes a list of facts as one target string.</summary>
internal enum LinearizationKind
{
    /// <summary>
    /// Every fact written in full: <c>[s] subject [r] relation [o] object [e]</c>, facts separated by a space
    /// (SynthIE's <c>fully_expanded</c>).
    /// </summary>
    FullyExpanded,

    /// <summary>
    /// Consecutive facts with the same subject share it: <c>[s] subject [r] rel [o] obj [r] rel [o] obj [e]</c>
    /// (SynthIE's <c>subject_collapsed</c>).
    /// </summary>
    SubjectCollapsed,

    /// <summary>
    /// Like <see cref="FullyExpanded"/> but each fact ends with <c>[et]</c> instead of <c>[e]</c>
    /// (SynthIE's <c>fully_expanded_et</c>).
    /// </summary>
    FullyExpandedWithEntityTypes,
}

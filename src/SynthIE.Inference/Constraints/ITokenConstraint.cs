namespace SynthIE.Inference.Constraints;

/// <summary>
/// A constraint on generated token sequences, evaluated incrementally: O(1) work per token and a
/// <see cref="ConstraintState"/> per hypothesis. Implementations are immutable and safe to share between threads.
/// </summary>
internal interface ITokenConstraint
{
    /// <summary>Gets the state of a hypothesis that holds only the decoder start token.</summary>
    ConstraintState Initial { get; }

    /// <summary>Returns the state after <paramref name="token"/> is appended to a hypothesis in <paramref name="state"/>.</summary>
    /// <param name="state">The hypothesis's current state.</param>
    /// <param name="token">The appended token; callers append only allowed tokens, others give an unspecified state.</param>
    /// <returns>The new state.</returns>
    ConstraintState Advance(in ConstraintState state, int token);

    /// <summary>
    /// Returns the tokens allowed after a hypothesis in <paramref name="state"/>, without allocating. The span stays
    /// valid as long as the constraint lives; it may be unsorted but holds no duplicates. Empty means nothing is allowed
    /// (for SynthIE: after the end token).
    /// </summary>
    /// <param name="state">The hypothesis's state.</param>
    /// <returns>The allowed token ids.</returns>
    ReadOnlySpan<int> Allowed(in ConstraintState state);
}

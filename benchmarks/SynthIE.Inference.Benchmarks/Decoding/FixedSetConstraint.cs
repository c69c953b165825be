using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Benchmarks.Decoding;

/// <summary>A constraint that allows the same token set in every state (about what SynthIE allows inside a name).</summary>
internal sealed class FixedSetConstraint : ITokenConstraint
{
    private readonly int[] allowed;

    public FixedSetConstraint(int[] allowed) => this.allowed = allowed;

    public ConstraintState Initial => default;

    public ConstraintState Advance(in ConstraintState state, int token) => new(state.Phase, token, state.Offset + 1);

    public ReadOnlySpan<int> Allowed(in ConstraintState state) => allowed;
}

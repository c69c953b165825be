using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Applies an <see cref="ITokenConstraint"/> (transformers' <c>prefix_allowed_tokens_fn</c>) with one
/// <see cref="ConstraintState"/> per slot, advanced by one token per step instead of rescanning the prefix.
/// </summary>
internal sealed class ConstraintLogitsProcessor : ILogitsProcessor
{
    private readonly ITokenConstraint constraint;
    private ConstraintState[] states = [];
    private ConstraintState[] nextStates = [];
    private bool[] dead = [];
    private bool[] nextDead = [];

    /// <summary>Initializes a new instance of the <see cref="ConstraintLogitsProcessor"/> class.</summary>
    /// <param name="constraint">The constraint.</param>
    public ConstraintLogitsProcessor(ITokenConstraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        this.constraint = constraint;
    }

    /// <inheritdoc/>
    public void Reset(int slotCount)
    {
        if (states.Length != slotCount)
        {
            states = new ConstraintState[slotCount];
            nextStates = new ConstraintState[slotCount];
            dead = new bool[slotCount];
            nextDead = new bool[slotCount];
        }

        states.AsSpan().Fill(constraint.Initial);
        dead.AsSpan().Clear();
    }

    /// <inheritdoc/>
    public bool TryGetAllowedTokens(int slot, out ReadOnlySpan<int> allowed)
    {
        allowed = dead[slot] ? ReadOnlySpan<int>.Empty : constraint.Allowed(in states[slot]);
        return true;
    }

    /// <inheritdoc/>
    public void Advance(ReadOnlySpan<int> sourceSlots, ReadOnlySpan<int> appendedTokens)
    {
        for (int slot = 0; slot < sourceSlots.Length; slot++)
        {
            int source = sourceSlots[slot];
            if (source < 0)
            {
                nextStates[slot] = states[slot];
                nextDead[slot] = dead[slot];
            }
            else if (dead[source] || appendedTokens[slot] < 0)
            {
                nextStates[slot] = default;
                nextDead[slot] = true;
            }
            else
            {
                nextStates[slot] = constraint.Advance(in states[source], appendedTokens[slot]);
                nextDead[slot] = false;
            }
        }

        (states, nextStates) = (nextStates, states);
        (dead, nextDead) = (nextDead, dead);
    }
}

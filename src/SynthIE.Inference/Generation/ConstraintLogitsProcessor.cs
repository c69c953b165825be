using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Applies an <see cref="ITokenConstraint"/> (transformers' <c>prefix_allowed_tokens_fn</c>) with one
/// <see cref="ConstraintState"/> per slot, advanced by one token per step instead of rescanning the prefix.
/// </summary>
internal sealed class ConstraintLogitsProcessor : ILogitsProcessor
{
    private readonly ITokenConstraint _constraint;
    private ConstraintState[] _states = [];
    private ConstraintState[] _nextStates = [];
    private bool[] _dead = [];
    private bool[] _nextDead = [];

    /// <summary>Initializes a new instance of the <see cref="ConstraintLogitsProcessor"/> class.</summary>
    /// <param name="constraint">The constraint.</param>
    public ConstraintLogitsProcessor(ITokenConstraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        _constraint = constraint;
    }

    /// <inheritdoc/>
    public void Reset(int slotCount)
    {
        if (_states.Length != slotCount)
        {
            _states = new ConstraintState[slotCount];
            _nextStates = new ConstraintState[slotCount];
            _dead = new bool[slotCount];
            _nextDead = new bool[slotCount];
        }

        _states.AsSpan().Fill(_constraint.Initial);
        _dead.AsSpan().Clear();
    }

    /// <inheritdoc/>
    public bool TryGetAllowedTokens(int slot, out ReadOnlySpan<int> allowed)
    {
        allowed = _dead[slot] ? ReadOnlySpan<int>.Empty : _constraint.Allowed(in _states[slot]);
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
                _nextStates[slot] = _states[slot];
                _nextDead[slot] = _dead[slot];
            }
            else if (_dead[source] || appendedTokens[slot] < 0)
            {
                _nextStates[slot] = default;
                _nextDead[slot] = true;
            }
            else
            {
                _nextStates[slot] = _constraint.Advance(in _states[source], appendedTokens[slot]);
                _nextDead[slot] = false;
            }
        }

        (_states, _nextStates) = (_nextStates, _states);
        (_dead, _nextDead) = (_nextDead, _dead);
    }
}

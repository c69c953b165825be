using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// A test constraint: an automaton whose state is <see cref="ConstraintState.Phase"/>, with an allowed-token list per
/// phase and a transition function. Advancing with a token the phase does not allow throws, so a search that feeds a
/// disallowed token to the constraint fails the test.
/// </summary>
internal sealed class TableConstraint : ITokenConstraint
{
    private readonly int[][] allowed;
    private readonly Func<int, int, int> transition;

    public TableConstraint(int[][] allowed, Func<int, int, int> transition)
    {
        this.allowed = allowed;
        this.transition = transition;
    }

    public ConstraintState Initial => new(0, 0, 0);

    public int AdvanceCalls { get; private set; }

    /// <summary>A random automaton over <paramref name="vocabularySize"/> tokens: some phases allow nothing.</summary>
    public static TableConstraint Random(Random random, int vocabularySize, int phases)
    {
        var allowed = new int[phases][];
        for (int phase = 0; phase < phases; phase++)
        {
            int kind = random.Next(6);
            allowed[phase] = kind switch
            {
                0 => [], // nothing allowed
                1 => [.. Enumerable.Range(0, vocabularySize).OrderBy(_ => random.Next())], // everything, shuffled
                _ => [.. Enumerable.Range(0, vocabularySize).Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next())],
            };
        }

        int salt = random.Next(1, 1000);
        return new TableConstraint(allowed, (phase, token) => (int)(((phase * 31L) + (token * 17L) + salt) % phases));
    }

    public ConstraintState Advance(in ConstraintState state, int token)
    {
        if (!allowed[state.Phase].Contains(token))
        {
            throw new InvalidOperationException($"Advance called with token {token}, which phase {state.Phase} does not allow.");
        }

        AdvanceCalls++;
        return new ConstraintState(transition(state.Phase, token), 0, 0);
    }

    public ReadOnlySpan<int> Allowed(in ConstraintState state) => allowed[state.Phase];
}

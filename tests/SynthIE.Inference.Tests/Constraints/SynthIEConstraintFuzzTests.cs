using SynthIE.Inference.Constraints;
using Linearizations = SynthIE.Inference.Linearization;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>
/// Random walks through the constraint compared step by step with a literal port of SynthIE's rescanning function, on
/// adversarial catalogs: names that are prefixes of others, names containing marker ids (even whole markers), an empty
/// name, and the four-token <c>[et]</c> marker that shares its first two ids with <c>[e]</c>.
/// </summary>
public sealed class SynthIEConstraintFuzzTests
{
    private const int Eos = 1;
    private const int Open = 100;
    private const int Close = 101;
    private static readonly int[] Subject = [Open, 7, Close];
    private static readonly int[] Relation = [Open, 52, Close];
    private static readonly int[] Object = [Open, 32, Close];
    private static readonly int[] EndMarker = [Open, 15, Close];
    private static readonly int[] EndTypeMarker = [Open, 15, 17, Close];

    public static TheoryData<string, bool, int> Configurations => new()
    {
        { "fully_expanded", false, 1 },
        { "subject_collapsed", false, 2 },
        { "fully_expanded_et", false, 3 },
        { "fully_expanded", true, 4 },
        { "subject_collapsed", true, 5 },
        { "fully_expanded_et", true, 6 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Random_walks_match_the_reference(string linearizationId, bool withEmptyName, int seed)
    {
        Linearizations linearization = Linearizations.FromIdentifier(linearizationId);
        int[][] markers = [Subject, Relation, Object, linearization.EndMarker == "[et]" ? EndTypeMarker : EndMarker];
        var random = new Random(seed);
        List<int[]> entities = RandomNames(random, 60);
        List<int[]> relations = RandomNames(random, 25);
        entities.Add([3, Open, 52, Close, 4]);     // contains a whole [r]
        entities.Add([Open, 9]);                   // starts with the markers' first id
        relations.Add([5, Open, 32, Close]);       // ends with a whole [o]
        if (withEmptyName)
        {
            entities.Add([]);
            relations.Add([]);
        }

        using SynthIEConstraint constraint = Build(entities, relations, linearization, markers);
        var reference = new ReferencePrefixAllowedTokens(
            entities.Select(e => e.Append(Eos).ToArray()),
            relations.Select(r => r.Append(Eos).ToArray()),
            markers,
            linearization.CollapsesSubjects,
            Eos);

        int steps = 0;
        for (int walk = 0; walk < 400; walk++)
        {
            var prefix = new List<int> { 0 };
            ConstraintState state = constraint.Initial;
            while (true)
            {
                int[] expected = [.. reference.Allowed(prefix).Distinct().Order()];
                int[] actual = constraint.Allowed(state).ToArray();
                Assert.True(actual.Length == actual.Distinct().Count(), $"duplicates after [{string.Join(", ", prefix)}]");
                Assert.True(
                    expected.SequenceEqual(actual.Order()),
                    $"{linearizationId} after [{string.Join(", ", prefix)}] ({state}): expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual.Order())}]");
                steps++;
                if (expected.Length == 0 || prefix.Count > 80)
                {
                    break;
                }

                // Prefer finishing: the end token only with a small chance so walks get long.
                int token = expected[random.Next(expected.Length)];
                if (token == Eos && expected.Length > 1 && random.NextDouble() < 0.8)
                {
                    token = expected.First(t => t != Eos);
                }

                prefix.Add(token);
                state = constraint.Advance(state, token);
            }
        }

        Assert.True(steps > 5_000, $"only {steps} steps");
    }

    [Fact]
    public void Nothing_is_allowed_after_the_end_token_and_beyond()
    {
        using SynthIEConstraint constraint = Build([[3, 4]], [[5]], Linearizations.FullyExpanded, [Subject, Relation, Object, EndMarker]);
        Assert.Equal([Eos, Open], constraint.Allowed(constraint.Initial).ToArray().Order());
        ConstraintState finished = constraint.Advance(constraint.Initial, Eos);
        Assert.True(SynthIEConstraint.IsFinished(finished));
        Assert.True(constraint.Allowed(finished).IsEmpty);
        Assert.True(constraint.Allowed(constraint.Advance(finished, 0)).IsEmpty);
    }

    [Fact]
    public void Overlapping_markers_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => MarkerMatcher.Validate([[1, 2], [2, 3]]));
        Assert.Throws<ArgumentException>(() => MarkerMatcher.Validate([[1, 2, 3], [2]]));
        Assert.Throws<ArgumentException>(() => MarkerMatcher.Validate([[5, 6, 5]]));
        Assert.Throws<ArgumentException>(() => MarkerMatcher.Validate([[5, 6], [5, 6]]));
        MarkerMatcher.Validate([Subject, Relation, Object, EndTypeMarker]);
    }

    internal static SynthIEConstraint Build(List<int[]> entities, List<int[]> relations, Linearizations linearization, int[][] markers)
    {
        TokenTrie entityTrie = TokenTrie.FromData(TokenTrieBuilder.Build(
            ToList(entities), SynthIEConstraint.ContinuationIdsFor(linearization, markers, relationTrie: false)));
        TokenTrie relationTrie = TokenTrie.FromData(TokenTrieBuilder.Build(
            ToList(relations), SynthIEConstraint.ContinuationIdsFor(linearization, markers, relationTrie: true)));
        var summary = new TrieSummary(0, 0, [], 0, null, false, null);
        return SynthIEConstraint.FromTries(entityTrie, relationTrie, linearization, markers, Eos, 0, summary, summary);
    }

    private static TokenSequenceList ToList(List<int[]> sequences)
    {
        var list = new TokenSequenceList();
        foreach (int[] sequence in sequences)
        {
            list.Add(sequence);
        }

        return list;
    }

    private static List<int[]> RandomNames(Random random, int count)
    {
        int[] alphabet = [3, 4, 5, 6, 8, 9, 10, 11, 7, 15, 17, 32, 52, Open, Close];
        var names = new List<int[]>();
        for (int i = 0; i < count; i++)
        {
            int length = 1 + random.Next(5);
            int[] name = new int[length];
            for (int k = 0; k < length; k++)
            {
                // Mostly ordinary ids; marker ids now and then.
                name[k] = random.NextDouble() < 0.75 ? alphabet[random.Next(8)] : alphabet[8 + random.Next(alphabet.Length - 8)];
            }

            names.Add(name);

            // Extend some names so that names are prefixes of others.
            if (random.NextDouble() < 0.3)
            {
                names.Add([.. name, alphabet[random.Next(8)]]);
            }
        }

        return names;
    }
}

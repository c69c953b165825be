using SynthIE.Inference.Generation;
using static SynthIE.Inference.Tests.Decoding.SearchTestSupport;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// Greedy search (transformers 4.23.1 <c>greedy_search</c>) over scripted logits, V = 8 (0 = start/pad, 1 = end).
/// Expectations are worked out by hand in the comments; ln p = log-softmax of the scripted row (see <see cref="ScriptedLogits"/>).
/// </summary>
public sealed class GreedySearchTests
{
    private const int V = 8;

    [Fact]
    public void Greedy_takes_the_argmax_and_gives_the_same_result_as_beam_search_with_one_beam()
    {
        // 0 -> 2 (.6 > .4) -> 4 (.7 > end .3) -> end (.8 > .2): [0 2 4 1], s = ln(.6*.7*.8) = ln .336, len 3 (lp 1).
        // Beam search with K = 1 walks the same path: the top candidate is never an end token before the last step, and
        // at the last step the end token is rank 0, so it becomes the only hypothesis and is_done holds with equality.
        ScriptedLogits script = new ScriptedLogits(V, (1, 1.0))
            .Add("0", (2, .6), (3, .4))
            .Add("0 2", (4, .7), (1, .3))
            .Add("0 2 4", (1, .8), (5, .2));
        var options = new DecodingOptions { NumBeams = 1, LengthPenalty = 1.0, MaxNewTokens = 10 };

        GeneratedSequence greedy = Assert.Single(Run(new GreedySearch(options), options, script, 1, out _)[0]);
        GeneratedSequence beam = Assert.Single(Run(new BeamSearch(options), options, script, 1, out _)[0]);

        Assert.Equal(Tokens("0 2 4 1"), greedy.TokenIds);
        Assert.Equal(Math.Log(.336) / 3, greedy.Score, ScoreTolerance);
        Assert.Equal(FinishReason.EndOfSequence, greedy.FinishReason);
        Assert.Equal(greedy.TokenIds, beam.TokenIds);
        Assert.Equal(greedy.SumLogProbs, beam.SumLogProbs);
        Assert.Equal(greedy.Score, beam.Score);
    }

    [Fact]
    public void Greedy_equals_one_beam_search_on_random_logits_without_ties()
    {
        // Continuous random logits (no ties): greedy (argmax of raw logits) and one-beam search (top of the log-probs)
        // must agree exactly, batch items finishing at different steps included.
        for (int seed = 0; seed < 30; seed++)
        {
            int rowSeed = seed;
            var script = new ScriptedLogits(40, (item, history) => RandomLogits.Row(40, rowSeed, item, history, quantized: false, endBias: 1.5f));
            var options = new DecodingOptions { NumBeams = 1, LengthPenalty = 0.8, MaxNewTokens = 12 };

            IReadOnlyList<GeneratedSequence>[] greedy = Run(new GreedySearch(options), options, script, 3, out _);
            IReadOnlyList<GeneratedSequence>[] beam = Run(new BeamSearch(options), options, script, 3, out _);

            for (int b = 0; b < 3; b++)
            {
                Assert.Equal(beam[b][0].TokenIds, greedy[b][0].TokenIds);
                Assert.Equal(beam[b][0].Score, greedy[b][0].Score);
                Assert.Equal(beam[b][0].FinishReason, greedy[b][0].FinishReason);
            }
        }
    }

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    private static readonly BeamCase[] Cases =
    [
        // Tokens 3 and 2 have the same logit ln .4: torch.argmax takes the first index -> 2; then the end token.
        new BeamCase(
            "Equal maxima: the first index wins",
            new DecodingOptions { NumBeams = 1 },
            new ScriptedLogits(V, (1, 1.0)).Add("0", (3, .4), (2, .4), (5, .2)),
            [BeamCase.Eos("0 2 1", Math.Log(.4) / 2)],
            ExpectedSteps: 2),

        // Every row prefers 2 (.6) over 3 (.4); the end token is never chosen: 3 new tokens, [0 2 2 2], s = 3 ln .6,
        // scored over max_length 4 (lp 1), no end token.
        new BeamCase(
            "max_new_tokens reached",
            new DecodingOptions { NumBeams = 1, MaxNewTokens = 3 },
            new ScriptedLogits(V, (2, .6), (3, .4)),
            [BeamCase.MaxLength("0 2 2 2", 3 * Math.Log(.6) / 4)],
            ExpectedSteps: 3),

        // Constraint: phase 0 allows {3, 4}, then {1}. Raw argmax would be 2 (.7); masked argmax is 3 (.2 > .1);
        // then the end token (logp 0). s = ln .2, len 2.
        new BeamCase(
            "Constraint: argmax over the allowed tokens only",
            new DecodingOptions
            {
                NumBeams = 1,
                Constraint = new TableConstraint([[3, 4], [1], []], (phase, _) => phase + 1),
            },
            new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .7), (3, .2), (4, .1)),
            [BeamCase.Eos("0 3 1", Math.Log(.2) / 2)],
            ExpectedSteps: 2),

        // Constraint allows nothing: the masked row is all -inf, torch.argmax returns index 0; the hypothesis scores -inf
        // and stays that way (token 0 each step) until max_length 3.
        new BeamCase(
            "Constraint allows nothing: token 0 at -inf until max length",
            new DecodingOptions { NumBeams = 1, MaxNewTokens = 2, Constraint = new TableConstraint([[]], (_, _) => 0) },
            new ScriptedLogits(V, (1, 1.0)),
            [BeamCase.MaxLength("0 0 0", double.NegativeInfinity)],
            ExpectedSteps: 2),
    ];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Greedy_search_case(string name)
    {
        BeamCase testCase = Cases.Single(c => c.Name == name);

        IReadOnlyList<GeneratedSequence>[] results = Run(new GreedySearch(testCase.Options), testCase.Options, testCase.Script, 1, out ScriptedDecoder decoder);

        GeneratedSequence sequence = Assert.Single(Assert.Single(results));
        (string tokens, double score, FinishReason reason) = Assert.Single(testCase.Expected);
        Assert.Equal(Tokens(tokens), sequence.TokenIds);
        if (double.IsFinite(score))
        {
            Assert.Equal(score, sequence.Score, ScoreTolerance);
        }
        else
        {
            Assert.Equal(score, sequence.Score);
        }

        Assert.Equal(reason, sequence.FinishReason);
        Assert.Equal(testCase.ExpectedSteps, decoder.StepRowCounts.Count);
        AssertIdentical([ReferenceSearch.Greedy(testCase.Options, 1, V, testCase.Script.Logits)[0]], [sequence], name);
    }

    [Fact]
    public void Finished_items_leave_the_decoder()
    {
        // Item 0: 0 -> end at step 1. Item 1: 0 -> 2 -> end. Item 2: 0 -> 3 -> 3 -> end.
        // Step 1 feeds 3 rows; item 0 finishes -> Reorder [1, 2]; step 2 feeds 2 rows; item 1 finishes -> Reorder [1];
        // step 3 feeds 1 row.
        var items = new[]
        {
            new ScriptedLogits(V, (1, 1.0)),
            new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .9), (1, .1)),
            new ScriptedLogits(V, (1, 1.0)).Add("0", (3, .9), (1, .1)).Add("0 3", (3, .9), (1, .1)),
        };
        var script = new ScriptedLogits(V, (item, history) => items[item].Logits(0, history));
        var options = new DecodingOptions { NumBeams = 1 };

        IReadOnlyList<GeneratedSequence>[] results = Run(new GreedySearch(options), options, script, 3, out ScriptedDecoder decoder);

        Assert.Equal(Tokens("0 1"), results[0][0].TokenIds);
        Assert.Equal(Tokens("0 2 1"), results[1][0].TokenIds);
        Assert.Equal(Tokens("0 3 3 1"), results[2][0].TokenIds);
        Assert.Equal([3, 2, 1], decoder.StepRowCounts);
        Assert.Equal([1, 2], decoder.Reorders[0]);
        Assert.Equal([1], decoder.Reorders[1]);
    }

    [Fact]
    public void Greedy_search_needs_one_beam()
    {
        var error = Assert.Throws<ArgumentException>(() => new GreedySearch(new DecodingOptions { NumBeams = 2, NumReturnSequences = 1 }));
        Assert.Contains("NumBeams = 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_strategies_pick_greedy_for_one_beam_and_beam_search_otherwise()
    {
        Assert.IsType<GreedySearch>(SearchStrategies.Create(new DecodingOptions { NumBeams = 1 }));
        Assert.IsType<BeamSearch>(SearchStrategies.Create(new DecodingOptions { NumBeams = 4 }));
    }
}

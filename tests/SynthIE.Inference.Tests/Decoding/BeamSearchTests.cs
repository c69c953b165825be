using SynthIE.Inference.Generation;
using static SynthIE.Inference.Tests.Decoding.BeamCase;
using static SynthIE.Inference.Tests.Decoding.SearchTestSupport;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// Table-driven beam-search cases over scripted logits (V = 8: token 0 = start/pad, 1 = end, 2..7 words). Every
/// expectation is worked out by hand in the case's comment, following transformers 4.23.1 step by step; each case is
/// also checked bit for bit against <see cref="ReferenceSearch"/>. ln p below means log-softmax ≈ ln p (see
/// <see cref="ScriptedLogits"/>); "s" is a hypothesis's sum of log-probabilities, its score is s / len ** lp with len
/// counting the start token and not the end token.
/// </summary>
public sealed class BeamSearchTests
{
    private const int V = 8;

    private static readonly BeamCase[] Cases =
    [
        // Step 1 (len 1): beams 1..2 start at -1e9, so only beam 0 expands: top 6 = row 0's tokens 2 (ln .5), 3 (ln .3),
        //   4 (ln .2), then its unlisted ones; the first three fill the beams: [0 2], [0 3], [0 4]. (Were beams 1..2 at 0,
        //   token 2 of rows 0, 1, 2 would tie at ln .5 and all three beams would be [0 2].)
        // Step 2 (len 2): every row puts all mass on the end token (logp 0): ranks 0..2 are the three end candidates
        //   -> hypotheses [0 2] s=ln .5, [0 3] s=ln .3, [0 4] s=ln .2 (scores s/2). is_done: worst ln(.2)/2 = -0.80 <
        //   best ln(.5)/2 = -0.35 -> not done. Beams continue with -1e4 tokens of row 0.
        // Step 3 (len 3): end candidates at ≈ -10000.7 cannot beat worst; is_done: -0.80 >= -10000.7/3 -> done.
        new BeamCase(
            "Only beam 0 expands at the first step; returns all K hypotheses best first",
            new DecodingOptions { NumBeams = 3, NumReturnSequences = 3, LengthPenalty = 1.0, MaxNewTokens = 5 },
            new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .5), (3, .3), (4, .2)),
            [Eos("0 2 1", Math.Log(.5) / 2), Eos("0 3 1", Math.Log(.3) / 2), Eos("0 4 1", Math.Log(.2) / 2)],
            ExpectedSteps: 3),

        // lp = 0 (score = s). Step 1: beams [0 2] ln .6, [0 3] ln .4.
        // Step 2 (len 2): [0 2 4] ln .3, [0 2 e] ln .24, [0 3 e] ln .2, [0 3 6] ln .12, ([0 3 7] ln .08, [0 2 5] ln .06).
        //   rank 0 -> beam [0 2 4]; rank 1 end -> hypothesis [0 2] s=ln .24; rank 2 end -> SKIPPED (rank >= K=2);
        //   rank 3 -> beam [0 3 6]. One hypothesis -> not done.
        // Step 3 (len 3): [0 2 4 5] ln .18, [0 2 4 6] ln .12, [0 3 6 7] ln .072, [0 3 6 2] ln .048 -> beams [0 2 4 5],
        //   [0 2 4 6]. Length 4 = max_length -> finalize adds ln .18 (kept) and ln .12 (not > worst ln .18).
        //   Result: [0 2 1] ln .24, [0 2 4 5] ln .18 (max length). Had the rank-2 end been kept, [0 3 1] ln .2 would be second.
        new BeamCase(
            "End token at rank >= K is ignored",
            new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 0.0, MaxNewTokens = 3 },
            new ScriptedLogits(V, (1, 1.0))
                .Add("0", (2, .6), (3, .4))
                .Add("0 2", (4, .5), (1, .4), (5, .1))
                .Add("0 3", (1, .5), (6, .3), (7, .2))
                .Add("0 2 4", (5, .6), (6, .4))
                .Add("0 3 6", (7, .6), (2, .4)),
            [Eos("0 2 1", Math.Log(.24)), MaxLength("0 2 4 5", Math.Log(.18))],
            ExpectedSteps: 3),

        // Step 1: beams [0 2] ln .6, [0 3] ln .4. Step 2 (len 2): [0 2 e] ln .45 (rank 0) -> A = [0 2], s=ln .45;
        //   beams [0 3 4] ln .36, [0 2 5] ln .15. Step 3 (len 3): [0 3 4 e] ln .252 (rank 0) -> B = [0 3 4];
        //   [0 2 5 e] ln .15 (rank 1) -> C = [0 2 5]; beams [0 3 4 6] ln .108 and a -1e4 one.
        // lp = 0.6: A = ln(.45)/2^.6 = -0.5268, B = ln(.252)/3^.6 = -0.7130, C = ln(.15)/3^.6 = -0.9813. B makes two
        //   hypotheses (worst = B); C does not beat it. is_done: worst B >= best ln(.252)/3^.6 = B (equal) -> done after
        //   3 steps. A wins.
        new BeamCase(
            "Length penalty 0.6 favours the short hypothesis; is_done fires on equality",
            new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 0.6, MaxNewTokens = 5 },
            LengthPenaltyScript(),
            [Eos("0 2 1", Math.Log(.45) / Math.Pow(2, .6)), Eos("0 3 4 1", Math.Log(.252) / Math.Pow(3, .6))],
            ExpectedSteps: 3),

        // Same script, lp = 1.5: A = ln(.45)/2^1.5 = -0.2823, B = ln(.252)/3^1.5 = -0.2653, C = ln(.15)/3^1.5 = -0.3651.
        //   Step 3: worst = A; is_done: A >= best ln(.252)/3^1.5 = B? No -> not done (is_done does not fire early).
        //   Step 4 (len 4): [0 3 4 6 e] ln .108 (rank 0) -> D = ln(.108)/4^1.5 = -0.2782 > worst A: added, A pruned,
        //   worst = D; is_done: D >= ln(.108)/8 = D -> done after 4 steps. B wins, D second.
        new BeamCase(
            "Length penalty 1.5 favours the long hypothesis; is_done does not fire early",
            new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 1.5, MaxNewTokens = 5 },
            LengthPenaltyScript(),
            [Eos("0 3 4 1", Math.Log(.252) / Math.Pow(3, 1.5)), Eos("0 3 4 6 1", Math.Log(.108) / 8)],
            ExpectedSteps: 4),

        // Constraint: phase 0 allows {2,3}; after 2 nothing; after 3 {1,4}; after 4 {1}; after 1 nothing. lp = 1.
        // Step 1: beams [0 2] ln .6, [0 3] ln .4.
        // Step 2 (len 2): row [0 2] allows nothing: its 8 candidates are -inf. Row [0 3]: [0 3 4] ln .28, [0 3 e] ln .12.
        //   Ranks: 0 [0 3 4] -> beam; 1 end -> hypothesis [0 3] s=ln .12; 2 = the lowest -inf flat index, row 0 token 0
        //   -> beam [0 2 0] with -inf.
        // Step 3 (len 3): [0 3 4] allows {1}: [0 3 4 e] ln .14 (rank 0) -> hypothesis; the -inf beam gives only -inf; the
        //   next ranks are row 0's disallowed tokens 0 and 2 (flat order, allowed 1 skipped) -> two -inf beams.
        //   is_done: worst ln(.12)/2 = -1.06 < ln(.14)/3 = -0.66 -> not done.
        // Step 4: all -inf; the end at rank 1 scores -inf, not > worst -> not added; is_done: -1.06 >= -inf -> done.
        new BeamCase(
            "Rows whose constraint allows nothing score -inf and never break the search",
            new DecodingOptions
            {
                NumBeams = 2,
                NumReturnSequences = 2,
                LengthPenalty = 1.0,
                MaxNewTokens = 10,
                Constraint = new TableConstraint(
                    [[2, 3], [], [1, 4], [1], []],
                    (phase, token) => (phase, token) switch { (0, 2) => 1, (0, 3) => 2, (2, 4) => 3, _ => 4 }),
            },
            new ScriptedLogits(V, (1, 1.0))
                .Add("0", (2, .6), (3, .4))
                .Add("0 3", (1, .3), (4, .7))
                .Add("0 3 4", (1, .5), (5, .5)),
            [Eos("0 3 4 1", Math.Log(.14) / 3), Eos("0 3 1", Math.Log(.12) / 2)],
            ExpectedSteps: 4),

        // Step 1: tokens 2 and 3 tie at ln .5; lower flat index first -> beam 0 = [0 2], beam 1 = [0 3].
        // Step 2 (len 2): both rows put all mass on the end token: the end candidates tie at ln .5 (flat 1 before flat 9)
        //   -> hypotheses [0 2] then [0 3], equal scores ln(.5)/2. is_done: worst = best/2 -> done.
        //   Final: stable ascending sort + pop from the end -> the later-added [0 3] comes first.
        new BeamCase(
            "Ties: lower flat index ranks first; equal final scores return the later-added hypothesis first",
            new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 1.0, MaxNewTokens = 5 },
            new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .5), (3, .5)),
            [Eos("0 3 1", Math.Log(.5) / 2), Eos("0 2 1", Math.Log(.5) / 2)],
            ExpectedSteps: 2),

        // Every row: token 2 ln .6, token 3 ln .4 (end token ≈ -1e4). max_new_tokens = 2 -> max_length 3.
        // Step 1: beams [0 2] ln .6, [0 3] ln .4. Step 2: [0 2 2] ln .36, [0 2 3] ln .24 and [0 3 2] ln .24 (equal
        //   bits: the same two float32 values added in the other order; flat 3 < flat 10), [0 3 3] ln .16
        //   -> beams [0 2 2], [0 2 3]. Length 3 = max_length: finalize scores them s/3, no end token appended.
        new BeamCase(
            "max_new_tokens reached: finalize returns the running beams without an end token",
            new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 1.0, MaxNewTokens = 2 },
            new ScriptedLogits(V, (2, .6), (3, .4)),
            [MaxLength("0 2 2", Math.Log(.36) / 3), MaxLength("0 2 3", Math.Log(.24) / 3)],
            ExpectedSteps: 2),

        // The SynthIE first step: the constraint allows {end, 2}, then {end, 3}, then {end}, then nothing. K = 3, lp = 1.
        // Step 1 (len 1): row 0: [0 2] ln .7 (rank 0) -> beam; [0 e] ln .3 (rank 1) -> hypothesis [0] (len 1, the empty
        //   output), score ln .3. Junk rows 1, 2 tie at -1e9 (float32 spacing 64 swallows the log-probs), flat order:
        //   row 1 end (rank 2 < K) -> hypothesis [0] at -1e9; row 1 token 2 -> beam; row 2 end (rank 4) skipped;
        //   row 2 token 2 -> beam. Beams: three copies of [0 2] (scores ln .7, -1e9, -1e9).
        // Step 2 (len 2): [0 2 3] ln .42 -> beam; [0 2 e] ln .28 -> hypothesis (3 held, worst -1e9); row 1's end at -1e9
        //   (rank 2) scores -1e9/2 = -5e8 > worst -> added, the -1e9 one pruned (worst -5e8); junk [0 2 3] beams follow.
        // Step 3 (len 3): [0 2 3 e] ln .42 -> score ln(.42)/3 beats -5e8, which is pruned (worst = ln .3); the junk end
        //   candidates (-1e9/3) are not added; the rest are -inf (disallowed). is_done: ln .3 >= ln(.42)/3? No.
        // Step 4: every beam is -inf; is_done: ln .3 >= -inf -> done. The genuine empty hypothesis [0 1] comes third.
        new BeamCase(
            "SynthIE-like first step: junk -1e9 beams fill beam and hypothesis slots until real ones replace them",
            new DecodingOptions
            {
                NumBeams = 3,
                NumReturnSequences = 3,
                LengthPenalty = 1.0,
                MaxNewTokens = 5,
                Constraint = new TableConstraint(
                    [[1, 2], [1, 3], [1], []],
                    (phase, token) => token == 1 ? 3 : phase + 1),
            },
            new ScriptedLogits(V, (1, 1.0))
                .Add("0", (2, .7), (1, .3))
                .Add("0 2", (3, .6), (1, .4)),
            [Eos("0 2 3 1", Math.Log(.42) / 3), Eos("0 2 1", Math.Log(.28) / 2), Eos("0 1", Math.Log(.3))],
            ExpectedSteps: 4),

        // First case again with R = 2: the two best of the three, in order.
        new BeamCase(
            "num_return_sequences below K returns the best ones in order",
            new DecodingOptions { NumBeams = 3, NumReturnSequences = 2, LengthPenalty = 1.0, MaxNewTokens = 5 },
            new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .5), (3, .3), (4, .2)),
            [Eos("0 2 1", Math.Log(.5) / 2), Eos("0 3 1", Math.Log(.3) / 2)],
            ExpectedSteps: 3),
    ];

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Beam_search_case(string name)
    {
        BeamCase testCase = Cases.Single(c => c.Name == name);
        IReadOnlyList<GeneratedSequence>[] results = Run(new BeamSearch(testCase.Options), testCase.Options, testCase.Script, 1, out ScriptedDecoder decoder);

        IReadOnlyList<GeneratedSequence> sequences = Assert.Single(results);
        Assert.Equal(testCase.Expected.Length, sequences.Count);
        for (int i = 0; i < sequences.Count; i++)
        {
            (string tokens, double score, FinishReason reason) = testCase.Expected[i];
            Assert.Equal(Tokens(tokens), sequences[i].TokenIds);
            Assert.Equal(score, sequences[i].Score, ScoreTolerance);
            Assert.Equal(reason, sequences[i].FinishReason);
        }

        Assert.Equal(testCase.ExpectedSteps, decoder.StepRowCounts.Count);
        List<ReferenceSearch.Hypothesis> reference = Assert.Single(
            ReferenceSearch.Beam(testCase.Options, 1, V, testCase.Script.Logits, out int referenceSteps));
        AssertIdentical(reference, sequences, testCase.Name);
        Assert.Equal(referenceSteps, decoder.StepRowCounts.Count);
    }

    [Fact]
    public void Batch_item_that_finishes_early_leaves_the_decoder_and_results_match_running_each_item_alone()
    {
        // Item 0 follows the ties script (done after 2 steps), item 1 the length-penalty script (lp = 1 here).
        var options = new DecodingOptions { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 1.0, MaxNewTokens = 6 };
        ScriptedLogits item0 = new ScriptedLogits(V, (1, 1.0)).Add("0", (2, .5), (3, .5));
        ScriptedLogits item1 = LengthPenaltyScript();
        var batch = new ScriptedLogits(V, (item, history) => (item == 0 ? item0 : item1).Logits(0, history));

        IReadOnlyList<GeneratedSequence>[] together = Run(new BeamSearch(options), options, batch, 2, out ScriptedDecoder decoder);
        IReadOnlyList<GeneratedSequence> alone0 = Run(new BeamSearch(options), options, item0, 1, out _)[0];
        IReadOnlyList<GeneratedSequence> alone1 = Run(new BeamSearch(options), options, item1, 1, out ScriptedDecoder decoder1)[0];

        AssertSame(alone0, together[0]);
        AssertSame(alone1, together[1]);

        // Item 0 is done after step 2, so from step 3 on only item 1's two rows are fed, and every Reorder after step 2
        // maps onto item 1's rows.
        Assert.True(decoder1.StepRowCounts.Count > 2);
        Assert.Equal([4, 4, .. Enumerable.Repeat(2, decoder1.StepRowCounts.Count - 2)], decoder.StepRowCounts);
        Assert.Equal(4, decoder.Reorders[0].Length);
        Assert.Equal(2, decoder.Reorders[1].Length);
        Assert.All(decoder.Reorders[1], source => Assert.InRange(source, 2, 3));

        var reference = ReferenceSearch.Beam(options, 2, V, batch.Logits, out _);
        AssertIdentical(reference[0], together[0], "item 0");
        AssertIdentical(reference[1], together[1], "item 1");
    }

    [Fact]
    public void Constraint_that_allows_every_token_gives_exactly_the_unconstrained_result()
    {
        // The constrained path scores only allowed ids (in the constraint's order) and must rank exactly as the
        // unconstrained full-row scan: same tie rule, same float32 values.
        var random = new Random(7);
        int[] shuffled = [.. Enumerable.Range(0, 300).OrderBy(_ => random.Next())];
        var constraint = new TableConstraint([shuffled], (_, _) => 0);
        var script = new ScriptedLogits(300, (item, history) => RandomLogits.Row(300, seed: 1, item, history, quantized: true, endBias: 0f));
        var plain = new DecodingOptions { NumBeams = 4, NumReturnSequences = 4, LengthPenalty = 0.8, MaxNewTokens = 12 };
        var constrained = new DecodingOptions { NumBeams = 4, NumReturnSequences = 4, LengthPenalty = 0.8, MaxNewTokens = 12, Constraint = constraint };

        IReadOnlyList<GeneratedSequence>[] expected = Run(new BeamSearch(plain), plain, script, 2, out _);
        IReadOnlyList<GeneratedSequence>[] actual = Run(new BeamSearch(constrained), constrained, script, 2, out _);

        for (int b = 0; b < 2; b++)
        {
            AssertSame(expected[b], actual[b]);
        }

        Assert.True(constraint.AdvanceCalls > 0);
    }

    [Fact]
    public void Cancellation_is_checked_every_step()
    {
        var options = new DecodingOptions { NumBeams = 2, NumReturnSequences = 1, MaxNewTokens = 50 };
        using var cancellation = new CancellationTokenSource();
        var decoder = new ScriptedDecoder(new ScriptedLogits(V, (2, .6), (3, .4)), 1, 2)
        {
            OnStep = step =>
            {
                if (step == 3)
                {
                    cancellation.Cancel();
                }
            },
        };

        Assert.ThrowsAny<OperationCanceledException>(() => new BeamSearch(options).Search(decoder, 1, cancellation.Token));
        Assert.Equal(3, decoder.StepRowCounts.Count);
    }

    [Fact]
    public void Decoder_with_the_wrong_row_count_is_rejected()
    {
        var options = new DecodingOptions { NumBeams = 3 };
        var decoder = new ScriptedDecoder(new ScriptedLogits(V, (1, 1.0)), 1, 2);

        var error = Assert.Throws<ArgumentException>(() => new BeamSearch(options).Search(decoder, 1, CancellationToken.None));
        Assert.Contains("holds 2 rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_logits_are_reported_with_item_and_beam()
    {
        var options = new DecodingOptions { NumBeams = 2 };
        var script = new ScriptedLogits(V, (_, _) => [float.NaN, 0, 0, 0, 0, 0, 0, 0]);

        var error = Assert.Throws<InvalidOperationException>(() => Run(new BeamSearch(options), options, script, 1, out _));
        Assert.Contains("batch item 0, beam 0", error.Message, StringComparison.Ordinal);
    }

    private static ScriptedLogits LengthPenaltyScript() =>
        new ScriptedLogits(V, (1, 1.0))
            .Add("0", (2, .6), (3, .4))
            .Add("0 2", (1, .75), (5, .25))
            .Add("0 3", (4, .9), (7, .1))
            .Add("0 3 4", (1, .7), (6, .3));

    private static void AssertSame(IReadOnlyList<GeneratedSequence> expected, IReadOnlyList<GeneratedSequence> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].TokenIds, actual[i].TokenIds);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].SumLogProbs), BitConverter.SingleToInt32Bits(actual[i].SumLogProbs));
            Assert.Equal(expected[i].Score, actual[i].Score);
            Assert.Equal(expected[i].FinishReason, actual[i].FinishReason);
        }
    }
}

using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>The building blocks of the searches: options validation, the row normalizer, top-2K selection, processor combination.</summary>
public sealed class DecodingPrimitivesTests
{
    public static TheoryData<string, string> InvalidOptions => new()
    {
        { "NumBeams", "must be at least 1 (was 0)" },
        { "NumReturnSequences", "must be between 1 and NumBeams (3) (was 4)" },
        { "LengthPenalty", "must be a finite number (was NaN)" },
        { "MaxNewTokens", "must be at least 1 and below int.MaxValue (was 0)" },
        { "EosTokenId", "must be a token id in [0, 8) (the decoder's vocabulary size) (was 8)" },
        { "DecoderStartTokenId", "must be a token id in [0, 8) (the decoder's vocabulary size) (was -1)" },
        { "PadTokenId", "must be a token id in [0, 8) (the decoder's vocabulary size) (was 9)" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_rejected_with_the_option_and_value_named(string option, string message)
    {
        DecodingOptions options = option switch
        {
            "NumBeams" => new DecodingOptions { NumBeams = 0 },
            "NumReturnSequences" => new DecodingOptions { NumBeams = 3, NumReturnSequences = 4 },
            "LengthPenalty" => new DecodingOptions { LengthPenalty = double.NaN },
            "MaxNewTokens" => new DecodingOptions { MaxNewTokens = 0 },
            "EosTokenId" => new DecodingOptions { EosTokenId = 8 },
            "DecoderStartTokenId" => new DecodingOptions { DecoderStartTokenId = -1 },
            _ => new DecodingOptions { PadTokenId = 9 },
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validate(8));
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"DecodingOptions.{option} {message}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(10, 3)]
    public void The_default_number_of_returned_sequences_is_three_or_one_per_beam(int beams, int expected)
    {
        Assert.Equal(expected, DecodingOptions.DefaultNumReturnSequences(beams));
        Assert.True(new DecodingOptions { NumBeams = beams, NumReturnSequences = expected }.IsValid(32128));
    }

    [Fact]
    public void Default_options_are_valid_and_max_length_counts_the_start_token()
    {
        var options = new DecodingOptions();
        options.Validate(32128);
        Assert.Equal(257, options.MaxLength);
        Assert.Equal((0, 1, 0), (options.DecoderStartTokenId, options.EosTokenId, options.PadTokenId));
    }

    [Fact]
    public void Log_softmax_normalizer_matches_a_double_precision_log_softmax()
    {
        var random = new Random(3);
        float[] row = [.. Enumerable.Range(0, 32128).Select(_ => (float)((random.NextDouble() * 30) - 20))];
        double max = row.Max();
        double logSum = Math.Log(row.Sum(x => Math.Exp(x - max)));

        Assert.True(LogSoftmax.TryNormalize(row, new float[row.Length], out float fmax, out float flogSum));

        Assert.Equal(max, fmax);
        foreach (int token in new[] { 0, 1, 17, 32127 })
        {
            Assert.Equal(row[token] - max - logSum, LogSoftmax.LogProbability(row[token], fmax, flogSum), 1e-4);
        }
    }

    [Fact]
    public void Log_softmax_normalizer_rejects_rows_without_a_finite_maximum()
    {
        var scratch = new float[3];
        Assert.False(LogSoftmax.TryNormalize([0f, float.NaN, 1f], scratch, out _, out _));
        Assert.False(LogSoftmax.TryNormalize([0f, float.PositiveInfinity, 1f], scratch, out _, out _));
        Assert.True(LogSoftmax.TryNormalize([0f, float.NegativeInfinity, 1f], scratch, out _, out _));
    }

    [Fact]
    public void Top_candidates_keep_the_best_by_score_then_lower_flat_index_whatever_the_insertion_order()
    {
        (float Score, int Flat)[] offers =
        [
            (-1f, 5), (-0.5f, 9), (-1f, 2), (float.NegativeInfinity, 0), (-2f, 1), (-0.5f, 3), (-1f, 7), (-3f, 4),
        ];
        // Expected top 4: (-0.5, 3), (-0.5, 9), (-1, 2), (-1, 5).
        for (int permutation = 0; permutation < 50; permutation++)
        {
            var random = new Random(permutation);
            var top = new TopCandidates(4);
            foreach ((float score, int flat) in offers.OrderBy(_ => random.Next()))
            {
                top.TryInsert(score, flat);
            }

            Assert.Equal([-0.5f, -0.5f, -1f, -1f], top.Scores.ToArray());
            Assert.Equal([3, 9, 2, 5], top.FlatIndices.ToArray());
        }
    }

    [Fact]
    public void Top_candidates_reject_a_tie_with_a_higher_flat_index_when_full()
    {
        var top = new TopCandidates(2);
        Assert.True(top.TryInsert(-1f, 4));
        Assert.True(top.TryInsert(-2f, 6));
        Assert.False(top.TryInsert(-2f, 7));
        Assert.True(top.TryInsert(-2f, 5));
        Assert.Equal([4, 5], top.FlatIndices.ToArray());
    }

    [Fact]
    public void Processor_list_uses_a_single_restriction_as_is_and_intersects_several()
    {
        var list = new LogitsProcessorList(
            [
                new ConstraintLogitsProcessor(new TableConstraint([[5, 1, 3, 7]], (_, _) => 0)),
                new ConstraintLogitsProcessor(new TableConstraint([[2, 3, 7, 6, 1]], (_, _) => 0)),
                new ConstraintLogitsProcessor(new TableConstraint([[0, 1, 2, 3, 4, 5, 6]], (_, _) => 0)),
            ],
            8);
        list.Reset(2);

        Assert.True(list.TryGetAllowedTokens(1, out ReadOnlySpan<int> allowed));
        Assert.Equal([1, 3], allowed.ToArray().Order());

        var single = new LogitsProcessorList([new ConstraintLogitsProcessor(new TableConstraint([[4, 2]], (_, _) => 0))], 8);
        single.Reset(1);
        Assert.True(single.TryGetAllowedTokens(0, out allowed));
        Assert.Equal([4, 2], allowed.ToArray());

        var none = new LogitsProcessorList([], 8);
        none.Reset(1);
        Assert.False(none.TryGetAllowedTokens(0, out _));
    }

    [Fact]
    public void Constraint_processor_follows_reordered_slots_and_marks_minus_infinity_hypotheses_dead()
    {
        // Phase p allows {p + 2}; advancing by a token t goes to phase t - 1 (2 -> phase 1 which allows {3}, ...).
        var constraint = new TableConstraint([[2], [3], [4], [5], [6]], (_, token) => token - 1);
        var processor = new ConstraintLogitsProcessor(constraint);
        processor.Reset(3);

        // Slot 0 continues slot 0 with 2 (-> phase 1); slot 1 continues slot 0 with 2; slot 2 took a disallowed token.
        processor.Advance([0, 0, 1], [2, 2, -1]);
        // Slot 0 stays (source -1); slot 1 continues slot 1 with 3 (-> phase 2); slot 2 continues dead slot 2.
        processor.Advance([-1, 1, 2], [0, 3, 5]);

        Assert.True(processor.TryGetAllowedTokens(0, out ReadOnlySpan<int> allowed));
        Assert.Equal([3], allowed.ToArray());
        Assert.True(processor.TryGetAllowedTokens(1, out allowed));
        Assert.Equal([4], allowed.ToArray());
        Assert.True(processor.TryGetAllowedTokens(2, out allowed));
        Assert.True(allowed.IsEmpty);
        Assert.Equal(3, constraint.AdvanceCalls);
    }
}

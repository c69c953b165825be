using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>
/// The four graphs compute one model: full-prefix decoding, the KV cache and the merged decoder give the same logits
/// at every step, padding does not change a row's result, and the graphs agree with a loop-by-loop T5 forward pass.
/// </summary>
public sealed class T5TestModelConsistencyTests : IClassFixture<TinyT5ModelFixture>
{
    private const float Tolerance = 1e-4f;
    private const int Steps = 20;

    private readonly TinyT5ModelFixture _model;

    public T5TestModelConsistencyTests(TinyT5ModelFixture model) => _model = model;

    [Fact]
    public void Full_prefix_kv_cache_and_merged_decoders_give_the_same_logits_at_every_step()
    {
        var random = new Random(11);
        long[][] encoderRows = [RandomIds(random, 13), RandomIds(random, 13)];
        long[][] decoderIds = [DecoderIds(random), DecoderIds(random)];
        (long[] ids, long[] mask, int length) = TeacherForcedDecoding.Pad(encoderRows);
        FloatTensor hidden = _model.Decoding.Encode(ids, mask, 2, length);

        List<float[][]> full = _model.Decoding.FullPrefix(hidden, mask, decoderIds);
        List<float[][]> cached = _model.Decoding.WithPast(hidden, mask, decoderIds);
        (List<float[][]> mergedEmptyPast, List<long[]> encoderPresentShapes) = _model.Decoding.Merged(hidden, mask, decoderIds, dummyPastLength: 0);
        (List<float[][]> mergedOnePast, _) = _model.Decoding.Merged(hidden, mask, decoderIds, dummyPastLength: 1);

        Assert.Equal(Steps, full.Count);
        for (int step = 0; step < Steps; step++)
        {
            for (int row = 0; row < 2; row++)
            {
                AssertClose(full[step][row], cached[step][row], $"with past, step {step}, row {row}");
                AssertClose(full[step][row], mergedEmptyPast[step][row], $"merged (empty dummy past), step {step}, row {row}");
                AssertClose(full[step][row], mergedOnePast[step][row], $"merged (length-1 dummy past), step {step}, row {row}");
            }
        }

        // In the cache branch the encoder presents are optimum's empty placeholders [0, H, 1, D].
        Assert.All(encoderPresentShapes, shape => Assert.Equal([0L, 4, 1, 8], shape));

        // The steps are not trivially equal to each other (the test would pass on a constant model otherwise).
        Assert.True(MaxAbsDifference(full[0][0], full[1][0]) > 0.1f);
        Assert.True(MaxAbsDifference(full[5][0], full[5][1]) > 0.1f);
    }

    [Fact]
    public void Right_padding_in_a_batch_gives_each_row_the_logits_it_has_alone()
    {
        var random = new Random(12);
        long[][] encoderRows = [RandomIds(random, 11), RandomIds(random, 4), RandomIds(random, 7)];
        long[][] decoderIds = [DecoderIds(random), DecoderIds(random), DecoderIds(random)];
        (long[] ids, long[] mask, int length) = TeacherForcedDecoding.Pad(encoderRows);
        Assert.Contains(0L, mask);
        FloatTensor hidden = _model.Decoding.Encode(ids, mask, 3, length);
        List<float[][]> batchCached = _model.Decoding.WithPast(hidden, mask, decoderIds);
        List<float[][]> batchFull = _model.Decoding.FullPrefix(hidden, mask, decoderIds);
        (List<float[][]> batchMerged, _) = _model.Decoding.Merged(hidden, mask, decoderIds, dummyPastLength: 0);

        for (int row = 0; row < 3; row++)
        {
            long[] rowMask = [.. encoderRows[row].Select(_ => 1L)];
            FloatTensor alone = _model.Decoding.Encode(encoderRows[row], rowMask, 1, encoderRows[row].Length);
            List<float[][]> aloneCached = _model.Decoding.WithPast(alone, rowMask, [decoderIds[row]]);
            for (int step = 0; step < Steps; step++)
            {
                AssertClose(aloneCached[step][0], batchCached[step][row], $"with past, step {step}, row {row}");
                AssertClose(aloneCached[step][0], batchFull[step][row], $"full prefix, step {step}, row {row}");
                AssertClose(aloneCached[step][0], batchMerged[step][row], $"merged, step {step}, row {row}");
            }
        }
    }

    [Fact]
    public void Graphs_match_a_loop_by_loop_t5_forward_pass()
    {
        var random = new Random(13);
        long[][] inputs = [RandomIds(random, 9), RandomIds(random, 5)];
        long[][] decoderIds = [DecoderIds(random), DecoderIds(random)];
        var weights = new T5WeightGenerator(TinyT5ModelFixture.Options);
        var reference = new T5ReferenceForward(TinyT5ModelFixture.Options, weights.Values);
        float[][] encoderStates = reference.Encode(inputs);
        float[][] decoderStates = reference.DecodeStates(decoderIds, encoderStates);

        for (int n = 0; n < inputs.Length; n++)
        {
            long[] mask = [.. inputs[n].Select(_ => 1L)];
            FloatTensor hidden = _model.Decoding.Encode(inputs[n], mask, 1, inputs[n].Length);
            AssertClose(encoderStates[n], hidden.Data, $"encoder states of input {n}");

            float[] referenceLogits = reference.Logits(decoderStates[n]);
            List<float[][]> onnxLogits = _model.Decoding.FullPrefix(hidden, mask, [decoderIds[n]]);
            int vocab = TinyT5ModelFixture.Options.VocabSize;
            for (int step = 0; step < Steps; step++)
            {
                AssertClose(referenceLogits.AsSpan(step * vocab, vocab).ToArray(), onnxLogits[step][0], $"logits of input {n}, step {step}");
            }
        }
    }

    private static long[] RandomIds(Random random, int length) => [.. Enumerable.Range(0, length - 1).Select(_ => (long)random.Next(3, 32100)), 1];

    private static long[] DecoderIds(Random random) => [0, .. Enumerable.Range(0, Steps - 1).Select(_ => (long)random.Next(2, 32128))];

    private static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        float difference = MaxAbsDifference(expected, actual);
        Assert.True(difference <= Tolerance, $"{what}: max |difference| {difference} > {Tolerance}");
    }
}

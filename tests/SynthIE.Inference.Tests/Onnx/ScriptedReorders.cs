using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Onnx;

/// <summary>
/// Drives two decoders through the same steps and scripted reorders, each row fed its own random token after a reorder,
/// and hands every step's logits of both to a comparison.
/// </summary>
internal static class ScriptedReorders
{
    /// <summary>Gets the texts the scripts encode (the first two or all three).</summary>
    public static string[] Sentences { get; } =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm.",
        "The Journal of Colloid and Interface Science is published by Elsevier.",
    ];

    /// <summary>Runs the script.</summary>
    /// <param name="expected">The reference decoder.</param>
    /// <param name="actual">The decoder under test.</param>
    /// <param name="rows">The rows at the first step (items × rows per item).</param>
    /// <param name="reorders">The reorder after each step but the last.</param>
    /// <param name="seed">The seed of the random tokens.</param>
    /// <param name="compare">Called with the step, the reference's logits and the tested decoder's.</param>
    public static void Run(IDecoderStep expected, IDecoderStep actual, int rows, int[][] reorders, int seed, Action<int, float[], float[]> compare)
    {
        long[] tokens = new long[rows];
        int vocabulary = actual.VocabularySize;
        var random = new Random(seed);
        for (int step = 0; step <= reorders.Length; step++)
        {
            float[] expectedLogits = new float[tokens.Length * vocabulary];
            float[] actualLogits = new float[tokens.Length * vocabulary];
            expected.Step(tokens, expectedLogits);
            actual.Step(tokens, actualLogits);
            compare(step, expectedLogits, actualLogits);
            if (step == reorders.Length)
            {
                break;
            }

            expected.Reorder(reorders[step]);
            actual.Reorder(reorders[step]);
            Assert.Equal(reorders[step].Length, actual.RowCount);
            tokens = [.. reorders[step].Select(_ => (long)random.Next(3, 32000))];
        }
    }
}

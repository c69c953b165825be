using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>Runs searches over scripted logits and compares them with expectations and with <see cref="ReferenceSearch"/>.</summary>
internal static class SearchTestSupport
{
    public const double ScoreTolerance = 1e-5;

    public static IReadOnlyList<GeneratedSequence>[] Run(
        ISearchStrategy search, DecodingOptions options, ScriptedLogits script, int batchSize, out ScriptedDecoder decoder)
    {
        decoder = new ScriptedDecoder(script, batchSize, options.NumBeams);
        return search.Search(decoder, batchSize, CancellationToken.None);
    }

    public static int[] Tokens(string text) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    /// <summary>Same token ids, sums and scores (bit for bit) and finish reasons as the reference.</summary>
    public static void AssertIdentical(IReadOnlyList<ReferenceSearch.Hypothesis> expected, IReadOnlyList<GeneratedSequence> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: {expected.Count} sequences expected, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            string where = $"{context}, sequence {i}";
            Assert.True(
                expected[i].Tokens.SequenceEqual(actual[i].TokenIds),
                $"{where}: tokens [{string.Join(' ', expected[i].Tokens)}] expected, got [{string.Join(' ', actual[i].TokenIds)}]");
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i].Sum) == BitConverter.SingleToInt32Bits(actual[i].SumLogProbs),
                $"{where}: sum {expected[i].Sum:R} expected, got {actual[i].SumLogProbs:R}");
            Assert.True(
                expected[i].Score.Equals(actual[i].Score),
                $"{where}: score {expected[i].Score:R} expected, got {actual[i].Score:R}");
            Assert.Equal(expected[i].Reason, actual[i].FinishReason);
        }
    }
}

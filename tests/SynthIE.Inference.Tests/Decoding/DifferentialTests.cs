using SynthIE.Inference.Generation;
using static SynthIE.Inference.Tests.Decoding.SearchTestSupport;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// The optimized searches against <see cref="ReferenceSearch"/> (a plain port of transformers 4.23.1: full rows, full
/// sort, padding of done items) on random scripted logits, for many seeds: token ids, float32 sums and double scores must
/// be identical. Covers batches, 1..5 beams, every length-penalty sign, constraints that allow nothing / everything /
/// random subsets, quantized logits (many ties) and vocabularies wide enough for the vectorized scan.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly int[] Vocabularies = [2, 3, 5, 8, 17, 40, 129, 300];
    private static readonly double[] LengthPenalties = [0.0, 0.6, 0.8, 1.0, 1.5, -0.5];

    public static TheoryData<int> SeedBlocks => [.. Enumerable.Range(0, 10)];

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Beam_search_equals_the_reference_implementation(int block)
    {
        for (int seed = block * 40; seed < (block + 1) * 40; seed++)
        {
            var random = new Random(seed);
            int vocabularySize = Vocabularies[random.Next(Vocabularies.Length)];
            int beams = random.Next(1, 6);
            int batchSize = random.Next(1, 4);
            bool quantized = random.Next(2) == 0;
            float endBias = random.Next(4) * 0.75f;
            var options = new DecodingOptions
            {
                NumBeams = beams,
                NumReturnSequences = random.Next(1, beams + 1),
                LengthPenalty = LengthPenalties[random.Next(LengthPenalties.Length)],
                MaxNewTokens = random.Next(1, 9),
                Constraint = random.Next(3) == 0 ? null : TableConstraint.Random(random, vocabularySize, random.Next(1, 6)),
            };
            int rowSeed = seed;
            var script = new ScriptedLogits(
                vocabularySize,
                (item, history) => RandomLogits.Row(vocabularySize, rowSeed, item, history, quantized, endBias));

            IReadOnlyList<GeneratedSequence>[] actual = Run(new BeamSearch(options), options, script, batchSize, out _);
            List<List<ReferenceSearch.Hypothesis>> expected = ReferenceSearch.Beam(options, batchSize, vocabularySize, script.Logits, out _);

            for (int b = 0; b < batchSize; b++)
            {
                AssertIdentical(expected[b], actual[b], $"seed {seed}, item {b}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Greedy_search_equals_the_reference_implementation(int block)
    {
        for (int seed = block * 40; seed < (block + 1) * 40; seed++)
        {
            var random = new Random(seed + 100_000);
            int vocabularySize = Vocabularies[random.Next(Vocabularies.Length)];
            int batchSize = random.Next(1, 4);
            bool quantized = random.Next(2) == 0;
            float endBias = random.Next(4) * 0.75f;
            var options = new DecodingOptions
            {
                NumBeams = 1,
                LengthPenalty = LengthPenalties[random.Next(LengthPenalties.Length)],
                MaxNewTokens = random.Next(1, 9),
                Constraint = random.Next(3) == 0 ? null : TableConstraint.Random(random, vocabularySize, random.Next(1, 6)),
            };
            int rowSeed = seed;
            var script = new ScriptedLogits(
                vocabularySize,
                (item, history) => RandomLogits.Row(vocabularySize, rowSeed, item, history, quantized, endBias));

            IReadOnlyList<GeneratedSequence>[] actual = Run(new GreedySearch(options), options, script, batchSize, out _);
            List<ReferenceSearch.Hypothesis> expected = ReferenceSearch.Greedy(options, batchSize, vocabularySize, script.Logits);

            for (int b = 0; b < batchSize; b++)
            {
                AssertIdentical([expected[b]], actual[b], $"seed {seed}, item {b}");
            }
        }
    }
}

using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Binding;

/// <summary>
/// End to end through <see cref="SynthIEExtractor"/>: the device-binding path run on the CPU returns exactly the token ids
/// and scores of today's path, for beam search and greedy, constrained and unconstrained, merged decoder and pair, in
/// batches of several texts (so that beams move between rows and finished items leave).
/// </summary>
public sealed class BoundExtractionTests : IClassFixture<BoundExtractionTests.Fixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm and died in Princeton.",
        "Apple Inc. was founded by Steve Jobs; its headquarters are in Cupertino.",
        "Marie Curie was a physicist and chemist who conducted pioneering research on radioactivity.",
        "Ulm.",
    ];

    private readonly Fixture _fixture;

    public BoundExtractionTests(Fixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(5, true, true)]
    [InlineData(5, false, false)]
    [InlineData(4, true, false)]
    [InlineData(1, true, true)]
    [InlineData(1, false, false)]
    public void The_binding_path_returns_the_same_candidates_and_scores(int beams, bool constrained, bool merged)
    {
        SynthIEExtractorOptions Options(bool binding) => new()
        {
            NumBeams = beams,
            NumReturnSequences = Math.Min(beams, 3),
            MaxNewTokens = 40,
            MaxBatchSize = 3,
            Constrained = constrained,
            UseDeviceBinding = binding,
            PreferMergedDecoder = merged,
        };

        using SynthIEExtractor host = SynthIEExtractor.Create(_fixture.Model.Directory, Options(binding: false));
        using SynthIEExtractor bound = SynthIEExtractor.Create(_fixture.Model.Directory, Options(binding: true));
        Assert.Null(host.OnnxModel.Binding);
        Assert.NotNull(bound.OnnxModel.Binding);
        Assert.Equal(merged, bound.OnnxModel.MergedDecoder is not null);
        IReadOnlyList<ExtractionResult> expected = host.ExtractBatch(Texts);
        IReadOnlyList<ExtractionResult> actual = bound.ExtractBatch(Texts);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Candidates.Count, actual[i].Candidates.Count);
            for (int k = 0; k < expected[i].Candidates.Count; k++)
            {
                Assert.Equal(expected[i].Candidates[k].TokenIds, actual[i].Candidates[k].TokenIds);
                Assert.Equal(expected[i].Candidates[k].Score, actual[i].Candidates[k].Score);
            }
        }

        Assert.Contains(actual, result => result.Candidates[0].TokenIds.Count > 4);
    }

    [Fact]
    public void The_cpu_default_is_the_host_path_with_the_merged_decoder()
    {
        using SynthIEExtractor cpu = SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { Constrained = false });
        Assert.Null(cpu.OnnxModel.Binding);
        Assert.NotNull(cpu.OnnxModel.MergedDecoder);
    }

    public sealed class Fixture : IDisposable
    {
        public GeneratedModel Model { get; } = new(T5TestModelOptions.Tiny with { Seed = 5, EosTargetLength = 30 }, linearization: "subject_collapsed", lengthPenalty: 0.6);

        public void Dispose() => Model.Dispose();
    }
}

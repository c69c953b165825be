using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Extraction;

/// <summary>End to end through the public API on a generated model with the demo world (random weights: the facts are
/// meaningless, but every one must be a well-formed triplet of world names with their Wikidata ids).</summary>
public sealed class SynthIEExtractorTests : IClassFixture<SynthIEExtractorTests.Fixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm and died in Princeton.",
        "Apple Inc. was founded by Steve Jobs; its headquarters are in Cupertino.",
        "Marie Curie was a physicist and chemist who conducted pioneering research on radioactivity.",
    ];

    private readonly Fixture _fixture;

    public SynthIEExtractorTests(Fixture fixture) => _fixture = fixture;

    [Fact]
    public void Extract_returns_world_facts_with_wikidata_ids_and_ranked_candidates()
    {
        SynthIEExtractor extractor = _fixture.Extractor;
        Assert.Equal("subject_collapsed", extractor.Linearization.Identifier);
        Assert.Equal(0.6, extractor.LengthPenalty);
        Assert.Equal(10, extractor.NumBeams);
        Assert.True(extractor.IsConstrained);

        ExtractionResult result = extractor.Extract(Texts[0]);
        Assert.Equal(Texts[0], result.Text);
        Assert.Equal(3, result.Candidates.Count);
        Assert.True(result.Candidates[0].Score >= result.Candidates[1].Score && result.Candidates[1].Score >= result.Candidates[2].Score);
        Assert.Same(result.Candidates[0], result.Best);
        Assert.Equal(2, result.Alternatives.Count());
        Assert.False(result.InputTruncated);
        Assert.Equal(extractor.Tokenizer.CountTokens(Texts[0]), result.InputTokenCount);

        foreach (ExtractionCandidate candidate in result.Candidates)
        {
            Assert.Equal(0, candidate.TokenIds[0]);
            Assert.Equal(candidate.RawOutput, extractor.Tokenizer.Decode([.. candidate.TokenIds]));
            if (candidate.ReachedEndToken)
            {
                Assert.Equal(1, candidate.TokenIds[^1]);
                Assert.Empty(candidate.Diagnostics); // constrained and finished: always a well-formed linearization
            }

            foreach (Fact fact in candidate.Facts)
            {
                Assert.NotEmpty(fact.Subject.WikidataIds);
                Assert.NotEmpty(fact.Relation.WikidataIds);
                Assert.NotEmpty(fact.Object.WikidataIds);
                Assert.True(extractor.World!.Entities.ContainsLabel(fact.Subject.Label), fact.Subject.Label);
                Assert.True(extractor.World.Relations.ContainsLabel(fact.Relation.Label), fact.Relation.Label);
                Assert.True(extractor.World.Entities.ContainsLabel(fact.Object.Label), fact.Object.Label);
            }
        }

        Assert.NotEmpty(result.Facts);
        Assert.StartsWith("[s] ", result.RawOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_and_streams_give_the_same_results_in_input_order()
    {
        SynthIEExtractor extractor = _fixture.Extractor;
        ExtractionResult[] alone = [.. Texts.Select(t => extractor.Extract(t))];
        IReadOnlyList<ExtractionResult> batch = extractor.ExtractBatch(Texts);
        Assert.Equal(Texts, batch.Select(r => r.Text));
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(alone[i].Candidates.Select(c => c.TokenIds), batch[i].Candidates.Select(c => c.TokenIds));
            Assert.Equal(alone[i].Score, batch[i].Score, 4);
        }

        List<ExtractionResult> streamed = [];
        foreach (ExtractionResult result in extractor.ExtractManyAsync(Texts.Concat(Texts)).ToBlockingEnumerable())
        {
            streamed.Add(result);
        }

        Assert.Equal(Texts.Concat(Texts), streamed.Select(r => r.Text));
        Assert.Equal(alone.Select(r => r.RawOutput).Concat(alone.Select(r => r.RawOutput)), streamed.Select(r => r.RawOutput));
    }

    [Fact]
    public async Task Concurrent_calls_from_many_threads_agree_with_sequential_ones()
    {
        SynthIEExtractor extractor = _fixture.Extractor;
        string[] expected = [.. Texts.Select(t => extractor.Extract(t).RawOutput)];
        Task<ExtractionResult>[] tasks = [.. Enumerable.Range(0, 8).Select(i => extractor.ExtractAsync(Texts[i % Texts.Length]))];
        ExtractionResult[] results = await Task.WhenAll(tasks);
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % Texts.Length], results[i].RawOutput);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public void Empty_or_whitespace_text_gives_no_facts(string text)
    {
        ExtractionResult result = _fixture.Extractor.Extract(text);
        Assert.Empty(result.Facts);
        Assert.Empty(result.Candidates);
        Assert.Null(result.Best);
        Assert.Equal(string.Empty, result.RawOutput);
    }

    [Fact]
    public void Null_text_and_null_items_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => _fixture.Extractor.Extract(null!));
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => _fixture.Extractor.ExtractBatch(["a", null!]));
        Assert.Contains("Text 1 is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_input_is_cut_to_the_input_limit_and_says_so()
    {
        string text = string.Join(' ', Enumerable.Repeat("The Eiffel Tower is located in Paris, the capital of France.", 40));
        ExtractionResult result = _fixture.Extractor.Extract(text);
        Assert.True(result.InputTruncated);
        Assert.Equal(256, result.InputTokenCount);
        Assert.NotEmpty(result.Candidates);
    }

    [Fact]
    public void A_cancelled_token_stops_extraction()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => _fixture.Extractor.Extract(Texts[0], source.Token));
    }

    [Fact]
    public void Unconstrained_decoding_needs_no_world_and_constrained_decoding_without_one_is_a_clear_error()
    {
        using var model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 3 }, withWorld: false);
        ModelLoadException error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model.Directory));
        Assert.Contains("constrained decoding needs a world", error.Message, StringComparison.Ordinal);

        using SynthIEExtractor unconstrained = SynthIEExtractor.Create(model.Directory, new SynthIEExtractorOptions { Constrained = false, NumBeams = 2, MaxNewTokens = 12 });
        Assert.False(unconstrained.IsConstrained);
        ExtractionResult result = unconstrained.Extract(Texts[1]);
        Assert.Equal(2, result.Candidates.Count);
        Assert.True(result.Candidates[0].TokenIds.Count <= 13);
    }

    [Fact]
    public void Cuda_without_a_gpu_is_a_clear_error()
    {
        if (File.Exists("/dev/nvidia0"))
        {
            return; // Only meaningful where no GPU exists (CI).
        }

        Assert.Throws<ExecutionProviderUnavailableException>(() => SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { Device = ExecutionDevice.Cuda }));
    }

    [Fact]
    public void A_missing_model_directory_or_tokenizer_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-synthie-model");
        Assert.Contains(missing, Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(missing)).Message, StringComparison.Ordinal);

        using var model = new GeneratedModel(T5TestModelOptions.Tiny, withWorld: false);
        File.Delete(Path.Combine(model.Directory, "spiece.model"));
        ModelLoadException error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model.Directory, new SynthIEExtractorOptions { Constrained = false }));
        Assert.Contains("spiece.model", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A generated tiny model (subject-collapsed, length penalty 0.6) with the demo world, loaded once.</summary>
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 5, EosTargetLength = 60 }, linearization: "subject_collapsed", lengthPenalty: 0.6);
            Extractor = SynthIEExtractor.Create(Model.Directory, new SynthIEExtractorOptions { MaxNewTokens = 64 });
        }

        public GeneratedModel Model { get; }

        public SynthIEExtractor Extractor { get; }

        public void Dispose()
        {
            Extractor.Dispose();
            Model.Dispose();
        }
    }
}

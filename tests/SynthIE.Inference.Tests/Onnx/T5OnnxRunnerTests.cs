using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Onnx;

/// <summary>
/// The ONNX runner (encoder once, KV-cached decoder with lazy row gathering) against an independent no-cache decoder, across
/// both decoder forms (merged and the pair), batch sizes and beam counts, on a generated T5 with real ONNX Runtime sessions.
/// </summary>
public sealed class T5OnnxRunnerTests : IClassFixture<T5OnnxRunnerTests.ModelFixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm.",
        "The Journal of Colloid and Interface Science is published by Elsevier, which also owns Scopus, an abstract and citation database.",
    ];

    private readonly ModelFixture _fixture;

    public T5OnnxRunnerTests(ModelFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(5, 2)]
    public void Cached_runner_matches_a_decoder_without_cache_for_a_batch(int beams, int returned)
    {
        DecodingOptions options = Options(beams, returned);
        int[][] inputs = [.. Texts.Select(t => _fixture.Tokenizer.EncodeToIds(t).ToArray())];
        IReadOnlyList<GeneratedSequence>[] cached = new Generator(_fixture.Merged).Generate(inputs, options, default);
        IReadOnlyList<GeneratedSequence>[] reference = RunWithoutCache(inputs, options);
        AssertSame(reference, cached, scoreTolerance: 1e-4);
        Assert.Contains(cached, item => item[0].TokenIds.Count > 3); // the model produces real sequences, not just an end token
    }

    [Fact]
    public void Merged_decoder_and_decoder_pair_give_the_same_beams()
    {
        DecodingOptions options = Options(4, 3);
        int[][] inputs = [.. Texts.Select(t => _fixture.Tokenizer.EncodeToIds(t).ToArray())];
        AssertSame(
            new Generator(_fixture.Merged).Generate(inputs, options, default),
            new Generator(_fixture.Pair).Generate(inputs, options, default),
            scoreTolerance: 1e-5);
    }

    [Fact]
    public void Each_item_of_a_batch_gets_what_it_gets_alone()
    {
        DecodingOptions options = Options(3, 3);
        int[][] inputs = [.. Texts.Select(t => _fixture.Tokenizer.EncodeToIds(t).ToArray())];
        var generator = new Generator(_fixture.Merged);
        IReadOnlyList<GeneratedSequence>[] batch = generator.Generate(inputs, options, default);
        for (int i = 0; i < inputs.Length; i++)
        {
            AssertSame(generator.Generate([inputs[i]], options, default), [batch[i]], scoreTolerance: 1e-4);
        }
    }

    [Fact]
    public void Cancellation_stops_generation()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        int[][] inputs = [_fixture.Tokenizer.EncodeToIds(Texts[0]).ToArray()];
        Assert.ThrowsAny<OperationCanceledException>(() => new Generator(_fixture.Merged).Generate(inputs, Options(2, 1), source.Token));
    }

    [Fact]
    public void A_config_that_disagrees_with_the_graphs_is_reported_with_the_file()
    {
        T5ModelConfig wrongLayers = new()
        {
            ModelDimension = _fixture.Config.ModelDimension,
            HeadDimension = _fixture.Config.HeadDimension,
            HeadCount = _fixture.Config.HeadCount,
            EncoderLayerCount = _fixture.Config.EncoderLayerCount,
            DecoderLayerCount = _fixture.Config.DecoderLayerCount + 1,
            VocabularySize = _fixture.Config.VocabularySize,
        };
        using SessionOptions sessionOptions = SessionOptionsFactory.Create(ExecutionDevice.Cpu);
        OnnxModelFiles files = OnnxModelFiles.Find(_fixture.Model.Directory, quantized: false, preferMerged: true);
        ModelLoadException error = Assert.Throws<ModelLoadException>(() => T5OnnxModel.Load(wrongLayers, files, sessionOptions));
        Assert.Contains("decoder_model_merged.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("past_key_values.", error.Message, StringComparison.Ordinal);

        T5ModelConfig wrongVocabulary = new()
        {
            ModelDimension = _fixture.Config.ModelDimension,
            HeadDimension = _fixture.Config.HeadDimension,
            HeadCount = _fixture.Config.HeadCount,
            EncoderLayerCount = _fixture.Config.EncoderLayerCount,
            DecoderLayerCount = _fixture.Config.DecoderLayerCount,
            VocabularySize = 32100,
        };
        error = Assert.Throws<ModelLoadException>(() => T5OnnxModel.Load(wrongVocabulary, files, sessionOptions));
        Assert.Contains("vocab_size = 32100", error.Message, StringComparison.Ordinal);
    }

    private static DecodingOptions Options(int beams, int returned) => new()
    {
        NumBeams = beams,
        NumReturnSequences = returned,
        LengthPenalty = 0.8,
        MaxNewTokens = 24,
    };

    private IReadOnlyList<GeneratedSequence>[] RunWithoutCache(int[][] inputs, DecodingOptions options)
    {
        var batch = PaddedBatch.RightPad(inputs);
        using T5EncoderOutput encoded = _fixture.Pair.Encode(batch, observer: null, default);
        float[] states = encoded.HiddenStates.GetTensorDataAsSpan<float>().ToArray();
        var decoder = new NoCacheDecoder(_fixture.Pair.Decoder!, states, batch.AttentionMask, batch.ItemCount, batch.Length, _fixture.Config.ModelDimension, options.NumBeams, _fixture.Config.VocabularySize);
        return SearchStrategies.Create(options).Search(decoder, batch.ItemCount, default);
    }

    private static void AssertSame(IReadOnlyList<GeneratedSequence>[] expected, IReadOnlyList<GeneratedSequence>[] actual, double scoreTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Count, actual[i].Count);
            for (int k = 0; k < expected[i].Count; k++)
            {
                Assert.Equal(expected[i][k].TokenIds, actual[i][k].TokenIds);
                Assert.Equal(expected[i][k].FinishReason, actual[i][k].FinishReason);
                Assert.InRange(actual[i][k].Score, expected[i][k].Score - scoreTolerance, expected[i][k].Score + scoreTolerance);
            }
        }
    }

    /// <summary>One generated tiny model loaded twice: with the merged decoder and with the decoder pair.</summary>
    public sealed class ModelFixture : IDisposable
    {
        public ModelFixture()
        {
            Model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 7 }, withWorld: false);
            Config = T5ModelConfig.Load(Path.Combine(Model.Directory, "config.json"));
            Tokenizer = T5Tokenizer.FromDirectory(Model.Directory);
            using SessionOptions sessionOptions = SessionOptionsFactory.Create(ExecutionDevice.Cpu);
            Merged = T5OnnxModel.Load(Config, OnnxModelFiles.Find(Model.Directory, quantized: false, preferMerged: true), sessionOptions);
            Pair = T5OnnxModel.Load(Config, OnnxModelFiles.Find(Model.Directory, quantized: false, preferMerged: false), sessionOptions);
        }

        public GeneratedModel Model { get; }

        internal T5ModelConfig Config { get; }

        internal T5Tokenizer Tokenizer { get; }

        internal T5OnnxModel Merged { get; }

        internal T5OnnxModel Pair { get; }

        public void Dispose()
        {
            Merged.Dispose();
            Pair.Dispose();
            Model.Dispose();
        }
    }
}

using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;
using SynthIE.Inference.Tests.Onnx;

namespace SynthIE.Inference.Tests.Binding;

/// <summary>
/// The device-binding decoder (<see cref="T5BoundDecoder"/>, run here on the CPU) against today's host-memory decoder
/// (<see cref="T5OnnxDecoder"/>): the same logits, bit for bit, under scripted reorders, for both decoder forms.
/// </summary>
public sealed class BoundDecoderTests : IClassFixture<BoundDecoderTests.ModelFixture>
{
    private readonly ModelFixture _fixture;

    public BoundDecoderTests(ModelFixture fixture) => _fixture = fixture;

    public static TheoryData<bool> Forms => new() { true, false };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Beam_rows_moving_and_leaving_give_the_same_logits_as_the_host_path(bool merged)
    {
        int[][] reorders =
        [
            [0, 1, 2, 3, 4, 5],
            [1, 1, 0, 5, 3, 3],
            [2, 0, 1, 3, 4, 5],
            [0, 0, 0, 4, 4, 3],
            [3, 1, 2, 0, 4, 5], // rows taken from the other item: the per-row encoder tensors follow
            [3, 4, 4],          // item 0 leaves
            [2, 2, 0],
            [1],
        ];
        AssertSameLogits(merged, rowsPerItem: 3, texts: 2, reorders);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Greedy_rows_leaving_from_the_middle_give_the_same_logits(bool merged)
        => AssertSameLogits(merged, rowsPerItem: 1, texts: 3, [[0, 2], [0, 1], [1]]);

    [Fact]
    public void The_encoder_output_and_the_decoders_are_the_binding_ones()
    {
        var batch = PaddedBatch.RightPad([_fixture.Tokenizer.EncodeToIds("Ulm is a city.").ToArray()]);
        using T5EncoderOutput encoded = _fixture.BoundPair.Encode(batch, observer: null, default);
        using IDecoderSession decoder = encoded.CreateDecoder(2);
        Assert.IsType<T5BoundDecoder>(decoder);
        using T5EncoderOutput host = _fixture.Pair.Encode(batch, observer: null, default);
        Assert.Equal(host.HiddenStates.GetTensorDataAsSpan<float>().ToArray(), encoded.HiddenStates.GetTensorDataAsSpan<float>().ToArray());
        using IDecoderSession hostDecoder = host.CreateDecoder(2);
        Assert.IsType<T5OnnxDecoder>(hostDecoder);
    }

    private void AssertSameLogits(bool merged, int rowsPerItem, int texts, int[][] reorders)
    {
        int[][] inputs = [.. ScriptedReorders.Sentences.Take(texts).Select(text => _fixture.Tokenizer.EncodeToIds(text).ToArray())];
        var batch = PaddedBatch.RightPad(inputs);
        using T5EncoderOutput hostEncoded = (merged ? _fixture.Merged : _fixture.Pair).Encode(batch, observer: null, default);
        using T5EncoderOutput boundEncoded = (merged ? _fixture.BoundMerged : _fixture.BoundPair).Encode(batch, observer: null, default);
        using var host = new T5OnnxDecoder(merged ? _fixture.Merged : _fixture.Pair, hostEncoded, rowsPerItem);
        using var bound = new T5BoundDecoder(merged ? _fixture.BoundMerged : _fixture.BoundPair, boundEncoded, rowsPerItem);
        ScriptedReorders.Run(host, bound, inputs.Length * rowsPerItem, reorders, seed: 11,
            (step, expected, actual) => Assert.True(expected.AsSpan().SequenceEqual(actual), $"step {step}: the logits differ"));
        Assert.Equal(host.PastLength, bound.PastLength);
    }

    /// <summary>One generated tiny model loaded four times: merged and pair, each with and without device binding (CPU).</summary>
    public sealed class ModelFixture : IDisposable
    {
        public ModelFixture()
        {
            Model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 9 }, withWorld: false);
            var config = T5ModelConfig.Load(Path.Combine(Model.Directory, "config.json"));
            Tokenizer = T5Tokenizer.FromDirectory(Model.Directory);
            using SessionOptions options = SessionOptionsFactory.Create(ExecutionDevice.Cpu);
            OnnxModelFiles merged = OnnxModelFiles.Find(Model.Directory, quantized: false, preferMerged: true);
            OnnxModelFiles pair = OnnxModelFiles.Find(Model.Directory, quantized: false, preferMerged: false);
            Merged = T5OnnxModel.Load(config, merged, options);
            Pair = T5OnnxModel.Load(config, pair, options);
            BoundMerged = T5OnnxModel.Load(config, merged, options, ExecutionDevice.Cpu);
            BoundPair = T5OnnxModel.Load(config, pair, options, ExecutionDevice.Cpu);
        }

        public GeneratedModel Model { get; }

        internal T5Tokenizer Tokenizer { get; }

        internal T5OnnxModel Merged { get; }

        internal T5OnnxModel Pair { get; }

        internal T5OnnxModel BoundMerged { get; }

        internal T5OnnxModel BoundPair { get; }

        public void Dispose()
        {
            Merged.Dispose();
            Pair.Dispose();
            BoundMerged.Dispose();
            BoundPair.Dispose();
            Model.Dispose();
        }
    }
}

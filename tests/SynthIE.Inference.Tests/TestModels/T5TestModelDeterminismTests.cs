using SynthIE.Inference.TestModels.T5;

using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>The seed fixes every byte; another seed gives another model; the optional layouts hold the same model.</summary>
public sealed class T5TestModelDeterminismTests
{
    [Fact]
    public void Same_seed_gives_byte_identical_files()
    {
        using var first = new TemporaryDirectory("seed-a");
        using var second = new TemporaryDirectory("seed-b");
        T5TestModelFiles a = T5TestModel.Write(first.Path, T5TestModelOptions.Tiny with { Seed = 5 });
        T5TestModelFiles b = T5TestModel.Write(second.Path, T5TestModelOptions.Tiny with { Seed = 5 });
        foreach ((string x, string y) in FilePairs(a, b))
        {
            Assert.True(File.ReadAllBytes(x).AsSpan().SequenceEqual(File.ReadAllBytes(y)), $"{Path.GetFileName(x)} differs between two writes with seed 5");
        }
    }

    [Fact]
    public void Different_seeds_give_different_logits()
    {
        long[] input = [37, 1263, 9, 4415, 31, 1];
        long[][] decoderIds = [[0, 421, 7, 7]];
        float[] logitsSeed1 = StepLogits(T5TestModelOptions.Tiny with { Seed = 1 }, input, decoderIds);
        float[] logitsSeed2 = StepLogits(T5TestModelOptions.Tiny with { Seed = 2 }, input, decoderIds);
        float maxDifference = logitsSeed1.Zip(logitsSeed2, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(maxDifference > 1f, $"seeds 1 and 2 give nearly the same logits (max difference {maxDifference})");
    }

    [Fact]
    public void Transformers_js_layout_copies_the_encoder_and_merged_decoder()
    {
        using var directory = new TemporaryDirectory("tjs");
        T5TestModelFiles files = T5TestModel.Write(directory.Path, T5TestModelOptions.Tiny with { WriteTransformersJsLayout = true });
        Assert.Equal(Path.Combine(files.Directory, "onnx"), files.TransformersJsDirectory);
        Assert.Equal(
            ["decoder_model_merged.onnx", "encoder_model.onnx"],
            Directory.GetFiles(files.TransformersJsDirectory!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(files.Encoder), File.ReadAllBytes(Path.Combine(files.TransformersJsDirectory!, "encoder_model.onnx")));
        Assert.Equal(File.ReadAllBytes(files.DecoderMerged), File.ReadAllBytes(Path.Combine(files.TransformersJsDirectory!, "decoder_model_merged.onnx")));
    }

    [Fact]
    public void External_data_files_hold_the_same_model()
    {
        long[] input = [100, 200, 300, 1];
        long[][] decoderIds = [[0, 5, 6]];
        using var directory = new TemporaryDirectory("external");
        T5TestModelFiles files = T5TestModel.Write(directory.Path, T5TestModelOptions.Tiny with { AlwaysUseExternalData = true });
        foreach (string model in new[] { files.Encoder, files.Decoder, files.DecoderWithPast, files.DecoderMerged })
        {
            Assert.True(new FileInfo(model + "_data").Length > new FileInfo(model).Length * 10, $"{model}_data should hold the weights");
        }

        float[] external = StepLogits(files, T5TestModelOptions.Tiny, input, decoderIds);
        float[] inline = StepLogits(T5TestModelOptions.Tiny, input, decoderIds);
        Assert.Equal(inline, external);
    }

    [Theory]
    [InlineData("DModel")]
    [InlineData("RelativeAttentionNumBuckets")]
    [InlineData("FeedForwardProj")]
    [InlineData("EosTargetLength")]
    public void Invalid_options_are_rejected_naming_the_field(string field)
    {
        T5TestModelOptions bad = field switch
        {
            "DModel" => T5TestModelOptions.Tiny with { DModel = 0 },
            "RelativeAttentionNumBuckets" => T5TestModelOptions.Tiny with { RelativeAttentionNumBuckets = 30 },
            "FeedForwardProj" => T5TestModelOptions.Tiny with { FeedForwardProj = "swiglu" },
            _ => T5TestModelOptions.Tiny with { EosTargetLength = -1 },
        };
        using var directory = new TemporaryDirectory("bad");
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => T5TestModel.Write(directory.Path, bad));
        Assert.Contains(field switch
        {
            "DModel" => "d_model",
            "RelativeAttentionNumBuckets" => "relative_attention_num_buckets",
            "FeedForwardProj" => "swiglu",
            _ => "EosTargetLength",
        }, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    private static float[] StepLogits(T5TestModelOptions options, long[] input, long[][] decoderIds)
    {
        using var directory = new TemporaryDirectory("logits");
        return StepLogits(T5TestModel.Write(directory.Path, options), options, input, decoderIds);
    }

    private static float[] StepLogits(T5TestModelFiles files, T5TestModelOptions options, long[] input, long[][] decoderIds)
    {
        using var sessions = new OrtSessions(files);
        var decoding = new TeacherForcedDecoding(sessions, options);
        long[] mask = [.. input.Select(_ => 1L)];
        FloatTensor hidden = decoding.Encode(input, mask, 1, input.Length);
        return [.. decoding.WithPast(hidden, mask, decoderIds).SelectMany(step => step[0])];
    }

    private static IEnumerable<(string, string)> FilePairs(T5TestModelFiles a, T5TestModelFiles b)
    {
        yield return (a.Encoder, b.Encoder);
        yield return (a.Decoder, b.Decoder);
        yield return (a.DecoderWithPast, b.DecoderWithPast);
        yield return (a.DecoderMerged, b.DecoderMerged);
        yield return (a.Config, b.Config);
        yield return (a.GenerationConfig, b.GenerationConfig);
    }
}

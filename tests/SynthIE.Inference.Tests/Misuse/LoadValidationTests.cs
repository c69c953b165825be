using System.Text;
using System.Text.Json.Nodes;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Issue 12, defects 5, 6, 7 and 10 (library part): sizes from options and files are checked before anything is
/// allocated, config.json is checked against the graphs at load, and every error names its source and value.
/// </summary>
public sealed class LoadValidationTests : IClassFixture<MisuseModelFixture>
{
    private readonly MisuseModelFixture _fixture;

    public LoadValidationTests(MisuseModelFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(nameof(SynthIEExtractorOptions.NumBeams), 100_000)]
    [InlineData(nameof(SynthIEExtractorOptions.MaxNewTokens), int.MaxValue - 1)]
    [InlineData(nameof(SynthIEExtractorOptions.MaxInputTokens), 1 << 30)]
    [InlineData(nameof(SynthIEExtractorOptions.IntraOpThreads), 10_000)]
    [InlineData(nameof(SynthIEExtractorOptions.MaxBatchSize), 1_000_000)]
    public void Options_above_the_documented_limits_are_refused_naming_the_option_and_value(string option, int value)
    {
        SynthIEExtractorOptions options = option switch
        {
            nameof(SynthIEExtractorOptions.NumBeams) => new() { NumBeams = value },
            nameof(SynthIEExtractorOptions.MaxNewTokens) => new() { MaxNewTokens = value },
            nameof(SynthIEExtractorOptions.MaxInputTokens) => new() { MaxInputTokens = value },
            nameof(SynthIEExtractorOptions.IntraOpThreads) => new() { IntraOpThreads = value },
            _ => new() { MaxBatchSize = value },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SynthIEExtractor.Create(_fixture.Model.Directory, options));
        Assert.Contains($"SynthIEExtractorOptions.{option} is {value}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Beams_times_batch_times_vocabulary_above_the_step_limit_is_refused_at_load()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { NumBeams = 256, MaxBatchSize = 1024 }));
        Assert.Contains("MaxBatchSize (1024)", error.Message, StringComparison.Ordinal);
        Assert.Contains("NumBeams (256)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Return_sequences_above_the_beams_names_the_public_options_and_values()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { NumBeams = 4, NumReturnSequences = 12 }));
        Assert.Contains("SynthIEExtractorOptions.NumReturnSequences is 12", error.Message, StringComparison.Ordinal);
        Assert.Contains("NumBeams (4)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DecodingOptions", error.Message, StringComparison.Ordinal);

        // Beams from the manifest (10): the message says where they came from.
        error = Assert.Throws<ArgumentOutOfRangeException>(() => SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { NumReturnSequences = 12 }));
        Assert.Contains("NumBeams (10, from ", error.Message, StringComparison.Ordinal);
        Assert.Contains("synthie.json's num_beams", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_beams", 100_000)]
    [InlineData("max_new_tokens", int.MaxValue)]
    [InlineData("max_input_tokens", 1 << 30)]
    public void Manifest_sizes_above_the_limits_name_synthie_json_the_field_and_value(string field, int value)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditJson(Path.Combine(model, "synthie.json"), root => root[field] = value);
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Equal(Path.Combine(model, "synthie.json"), error.FilePath);
        Assert.Contains($"\"{field}\" must be a positive integer no larger than", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"not {value}.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_layers", int.MaxValue)]
    [InlineData("num_decoder_layers", 100_000)]
    [InlineData("num_heads", int.MaxValue)]
    [InlineData("d_model", int.MaxValue)]
    [InlineData("vocab_size", int.MaxValue)]
    public void Config_sizes_above_the_limits_are_refused_before_anything_is_sized_by_them(string field, int value)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditJson(Path.Combine(model, "config.json"), root => root[field] = value);
        long before = GC.GetTotalAllocatedBytes(precise: false);
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Equal(Path.Combine(model, "config.json"), error.FilePath);
        Assert.Contains($"\"{field}\" is {value}", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: false) - before < 1L << 30, "a gigabyte was allocated before the check");
    }

    [Fact]
    public void A_layer_count_that_disagrees_with_the_graph_is_reported_at_load()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditJson(Path.Combine(model, "config.json"), root => root["num_decoder_layers"] = 1000);
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Contains("num_decoder_layers = 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_num_heads_is_caught_at_load_against_the_graph()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditJson(Path.Combine(model, "config.json"), root => root["num_heads"] = 8); // the graphs have 4
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Contains("num_heads = 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 attention heads", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(".onnx", error.FilePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eos_token_id", 40_000)]
    [InlineData("decoder_start_token_id", -3)]
    [InlineData("pad_token_id", 32_128)]
    public void Token_ids_outside_the_vocabulary_name_config_json_the_field_and_value(string field, int value)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditJson(Path.Combine(model, "config.json"), root => root[field] = value);
        File.Delete(Path.Combine(model, "generation_config.json"));
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Equal(Path.Combine(model, "config.json"), error.FilePath);
        Assert.Contains($"\"{field}\" is {value}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("config.json")]
    [InlineData("synthie.json")]
    public void A_top_level_array_is_a_ModelLoadException_naming_the_file(string file)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        File.WriteAllText(Path.Combine(model, file), "[1, 2, 3]");
        var error = Assert.Throws<ModelLoadException>(() => SynthIEExtractor.Create(model));
        Assert.Equal(Path.Combine(model, file), error.FilePath);
        Assert.Contains("top level must be a JSON object, not an array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_json_in_an_ignored_config_field_is_valid_json()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string path = Path.Combine(model, "config.json");
        string text = File.ReadAllText(path).TrimEnd();
        string nested = new string('[', 70) + new string(']', 70);
        File.WriteAllText(path, text[..^1].TrimEnd() + $",\n  \"task_specific_params\": {nested}\n}}");
        using SynthIEExtractor extractor = SynthIEExtractor.Create(model, new SynthIEExtractorOptions { NumBeams = 1, MaxNewTokens = 2, IntraOpThreads = 1 });
        Assert.Equal(1, extractor.NumBeams);
    }

    [Fact]
    public void An_onnx_runtime_failure_while_running_names_the_graph_file_and_keeps_the_whole_message_on_one_line()
    {
        using SynthIEExtractor extractor = SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { NumBeams = 2, MaxNewTokens = 2, IntraOpThreads = 1 });
        var generator = new SynthIE.Inference.Generation.Generator(extractor.OnnxModel);

        // An id beyond the embedding table: the encoder's Gather node fails inside ONNX Runtime.
        var error = Assert.Throws<ModelLoadException>(() => generator.Generate([[5, 1_000_000, 1]], extractor.DecodingOptions, CancellationToken.None));
        Assert.Equal(extractor.OnnxModel.Files.Encoder, error.FilePath);
        Assert.Contains("ONNX Runtime failed to run this graph", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000000", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString(), new UTF8Encoding(false));
    }
}

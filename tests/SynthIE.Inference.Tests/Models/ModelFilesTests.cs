using SynthIE.Inference.Model;

namespace SynthIE.Inference.Tests.Models;

/// <summary>Model directory files: config.json, synthie.json and the ONNX file layout, with clear errors.</summary>
public sealed class ModelFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synthie-model-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Config_reads_t5_fields_and_generation_config_overrides_token_ids()
    {
        string config = Write("config.json", """
            {"model_type":"t5","d_model":768,"d_kv":64,"num_heads":12,"num_layers":12,"vocab_size":32128,
             "decoder_start_token_id":0,"eos_token_id":1,"pad_token_id":0}
            """);
        Write("generation_config.json", """{"decoder_start_token_id":5,"eos_token_id":[7]}""");
        T5ModelConfig parsed = T5ModelConfig.Load(config);
        Assert.Equal(768, parsed.ModelDimension);
        Assert.Equal(64, parsed.HeadDimension);
        Assert.Equal(12, parsed.HeadCount);
        Assert.Equal(12, parsed.DecoderLayerCount); // num_decoder_layers defaults to num_layers
        Assert.Equal(32128, parsed.VocabularySize);
        Assert.Equal(5, parsed.DecoderStartTokenId);
        Assert.Equal(7, parsed.EndOfSequenceTokenId);
    }

    [Theory]
    [InlineData("""{"model_type":"bart","d_model":8}""", "\"model_type\" is \"bart\"")]
    [InlineData("""{"d_model":8,"d_kv":2,"num_heads":2,"num_layers":1}""", "required field \"vocab_size\" is missing")]
    [InlineData("""{"d_model":"big","d_kv":2,"num_heads":2,"num_layers":1,"vocab_size":10}""", "field \"d_model\" must be an integer")]
    [InlineData("""{"d_model":0,"d_kv":2,"num_heads":2,"num_layers":1,"vocab_size":10}""", "field \"d_model\" must be a positive integer")]
    [InlineData("""{"d_model":8,""", "not valid JSON")]
    public void Config_errors_name_the_file_and_the_field(string json, string expected)
    {
        string path = Write("config.json", json);
        ModelLoadException error = Assert.Throws<ModelLoadException>(() => T5ModelConfig.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Manifest_round_trips_and_rejects_unknown_fields_and_bad_values()
    {
        var manifest = new SynthIEManifest { Name = "synthie_base_sc", Linearization = "subject_collapsed", LengthPenalty = 0.6, World = "world" };
        string path = Path.Combine(_dir, SynthIEManifest.FileName);
        manifest.Save(path);
        SynthIEManifest read = SynthIEManifest.Load(path);
        Assert.Equal("synthie_base_sc", read.Name);
        Assert.Equal("subject_collapsed", read.Linearization);
        Assert.Equal(0.6, read.LengthPenalty);
        Assert.Equal(10, read.NumBeams);
        Assert.Equal(256, read.MaxNewTokens);
        Assert.Equal("world", read.World);

        Write(SynthIEManifest.FileName, """{"linearisation":"fully_expanded"}""");
        Assert.Contains("unknown field \"linearisation\"", Assert.Throws<ModelLoadException>(() => SynthIEManifest.Load(path)).Message, StringComparison.Ordinal);
        Write(SynthIEManifest.FileName, """{"linearization":"collapsed"}""");
        Assert.Contains("\"linearization\" is \"collapsed\"", Assert.Throws<ModelLoadException>(() => SynthIEManifest.Load(path)).Message, StringComparison.Ordinal);
        Write(SynthIEManifest.FileName, """{"num_beams":0}""");
        Assert.Contains("\"num_beams\" must be a positive integer", Assert.Throws<ModelLoadException>(() => SynthIEManifest.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_files_are_found_in_the_directory_or_its_onnx_subfolder_preferring_the_merged_decoder()
    {
        ModelLoadException missing = Assert.Throws<ModelLoadException>(() => OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true));
        Assert.Contains("encoder_model.onnx", missing.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(_dir, "onnx"));
        Write("onnx/encoder_model.onnx", "x");
        Write("onnx/decoder_model.onnx", "x");
        ModelLoadException half = Assert.Throws<ModelLoadException>(() => OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true));
        Assert.Contains("decoder_with_past_model.onnx", half.Message, StringComparison.Ordinal);

        Write("onnx/decoder_with_past_model.onnx", "x");
        OnnxModelFiles pair = OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true);
        Assert.Null(pair.MergedDecoder);
        Assert.EndsWith(Path.Combine("onnx", "decoder_with_past_model.onnx"), pair.DecoderWithPast, StringComparison.Ordinal);

        Write("onnx/decoder_model_merged.onnx", "x");
        Assert.NotNull(OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true).MergedDecoder);
        Assert.Null(OnnxModelFiles.Find(_dir, quantized: false, preferMerged: false).MergedDecoder);

        Assert.Throws<ModelLoadException>(() => OnnxModelFiles.Find(_dir, quantized: true, preferMerged: true));
        Write("encoder_model_quantized.onnx", "x");
        Write("decoder_model_merged_quantized.onnx", "x");
        Assert.EndsWith("decoder_model_merged_quantized.onnx", OnnxModelFiles.Find(_dir, quantized: true, preferMerged: true).MergedDecoder, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}

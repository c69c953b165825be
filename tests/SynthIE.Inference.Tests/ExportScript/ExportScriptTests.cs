using System.Globalization;
using System.Text.RegularExpressions;
using SynthIE.Inference.Model;

namespace SynthIE.Inference.Tests.ExportScript;

/// <summary>
/// models/export_synthie.py, the script that turns SynthIE's checkpoints into model directories: its own Python
/// tests (fake checkpoints written with Debian's python3-torch), and the files its <c>manifest</c> command writes,
/// read back by the library's <see cref="SynthIEManifest"/> and <see cref="OnnxModelFiles"/>.
/// </summary>
public sealed class ExportScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synthie-export-script-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Python_tests_of_the_export_script_pass()
    {
        await PythonScript.RequireModuleAsync("torch", "python3-torch");

        PythonResult result = await PythonScript.RunAsync(PythonScript.ModelsFile("tests/test_export_synthie.py"));

        Assert.True(result.ExitCode == 0, result.Output);
        Match ran = Regex.Match(result.StandardError, @"^Ran (\d+) tests? in ", RegexOptions.Multiline);
        Assert.True(ran.Success, result.Output);
        Assert.True(int.Parse(ran.Groups[1].Value, CultureInfo.InvariantCulture) >= 35, result.Output);
        Assert.Matches(new Regex(@"^OK$", RegexOptions.Multiline), result.StandardError);
        Assert.DoesNotContain("torch is not installed", result.StandardError, StringComparison.Ordinal); // the checkpoint tests ran
    }

    [Theory]
    [InlineData("synthie_base_sc", "subject_collapsed", 0.6)]
    [InlineData("synthie_base_fe", "fully_expanded", 0.8)]
    [InlineData("synthie_large_fe", "fully_expanded", 0.8)]
    [InlineData("genie_base_sc", "subject_collapsed", 0.6)]
    [InlineData("genie_base_fe", "fully_expanded", 0.8)]
    public async Task Manifest_written_by_the_script_is_read_by_the_library(string preset, string linearization, double lengthPenalty)
    {
        string model = Directory.CreateDirectory(Path.Combine(_dir, preset)).FullName;
        Touch(model, "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx", "config.json", "spiece.model");
        string data = WriteSynthIEData();

        PythonResult result = await PythonScript.RunAsync(
            PythonScript.ModelsFile("export_synthie.py"), "manifest", model, "--preset", preset, "--world-dir", data);

        Assert.True(result.ExitCode == 0, result.Output);
        SynthIEManifest manifest = SynthIEManifest.Load(Path.Combine(model, SynthIEManifest.FileName));
        Assert.Equal(preset, manifest.Name);
        Assert.Equal(linearization, manifest.Linearization);
        Assert.Equal(lengthPenalty, manifest.LengthPenalty);
        Assert.Equal(10, manifest.NumBeams);
        Assert.Equal(256, manifest.MaxNewTokens);
        Assert.Equal(256, manifest.MaxInputTokens);
        Assert.Equal("world", manifest.World);
        string world = Path.Combine(model, manifest.World!);
        Assert.Equal("""["Q191069", "Q47716"]""", File.ReadAllText(Path.Combine(world, "constrained_worlds", "genie_t5_tokenizeable", "entities.json")));
        Assert.True(File.Exists(Path.Combine(world, "constrained_worlds", "genie_t5_tokenizeable", "relations.json")));
        Assert.True(File.Exists(Path.Combine(world, "id2name_mappings", "entity_mapping.jsonl")));
        Assert.True(File.Exists(Path.Combine(world, "id2name_mappings", "relation_mapping.jsonl")));

        OnnxModelFiles files = OnnxModelFiles.Find(model, quantized: false, preferMerged: true);
        Assert.Equal(Path.Combine(model, "onnx", "encoder_model.onnx"), files.Encoder);
        Assert.Equal(Path.Combine(model, "onnx", "decoder_model_merged.onnx"), files.MergedDecoder);
    }

    [Fact]
    public async Task Script_and_library_both_refuse_an_export_without_a_usable_decoder()
    {
        Touch(_dir, "encoder_model.onnx", "decoder_model.onnx", "config.json", "tokenizer.json");

        PythonResult result = await PythonScript.RunAsync(
            PythonScript.ModelsFile("export_synthie.py"), "manifest", _dir, "--preset", "synthie_base_sc");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has encoder_model.onnx but no decoder", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, SynthIEManifest.FileName)));
        ModelLoadException error = Assert.Throws<ModelLoadException>(() => OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true));
        Assert.Contains("no decoder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_settings_can_be_given_without_a_preset()
    {
        Touch(_dir, "encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx", "config.json", "spiece.model");

        PythonResult result = await PythonScript.RunAsync(
            PythonScript.ModelsFile("export_synthie.py"), "manifest", _dir, "--name", "my-run",
            "--linearization", "fully_expanded_et", "--length-penalty", "1.25", "--num-beams", "4", "--max-input-tokens", "512");

        Assert.True(result.ExitCode == 0, result.Output);
        SynthIEManifest manifest = SynthIEManifest.Load(Path.Combine(_dir, SynthIEManifest.FileName));
        Assert.Equal("my-run", manifest.Name);
        Assert.Equal("fully_expanded_et", manifest.Linearization);
        Assert.Equal(1.25f, manifest.LengthPenalty);
        Assert.Equal(4, manifest.NumBeams);
        Assert.Equal(512, manifest.MaxInputTokens);
        Assert.Null(manifest.World);
        OnnxModelFiles files = OnnxModelFiles.Find(_dir, quantized: false, preferMerged: true);
        Assert.Null(files.MergedDecoder);
        Assert.Equal(Path.Combine(_dir, "decoder_with_past_model.onnx"), files.DecoderWithPast);
    }

    private static void Touch(string root, params string[] relativePaths)
    {
        foreach (string relative in relativePaths)
        {
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "{}");
        }
    }

    private string WriteSynthIEData()
    {
        string data = Path.Combine(_dir, "data");
        string world = Directory.CreateDirectory(Path.Combine(data, "constrained_worlds", "genie_t5_tokenizeable")).FullName;
        File.WriteAllText(Path.Combine(world, "entities.json"), """["Q191069", "Q47716"]""");
        File.WriteAllText(Path.Combine(world, "relations.json"), """["P571"]""");
        string mappings = Directory.CreateDirectory(Path.Combine(data, "id2name_mappings")).FullName;
        File.WriteAllText(Path.Combine(mappings, "entity_mapping.jsonl"),
            "{\"id\": \"Q191069\", \"en_label\": \"Paleoclimatology\"}\n{\"id\": \"Q47716\", \"en_label\": \"Charleston,_South_Carolina\"}\n");
        File.WriteAllText(Path.Combine(mappings, "relation_mapping.jsonl"), "{\"id\": \"P571\", \"en_label\": \"inception\"}\n");
        return data;
    }
}

using System.Text.Json;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Cli;

/// <summary><c>synthie models make-test</c>: a model folder the library loads, with the settings asked for, and a plain warning.</summary>
public sealed class MakeTestModelCommandTests : IClassFixture<CliModelFixture>
{
    private readonly CliModelFixture _fixture;

    public MakeTestModelCommandTests(CliModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Writes_a_model_the_library_loads_with_the_settings_asked_for()
    {
        string output = _fixture.PathOf("model");

        CliResult result = Cli.Run("models", "make-test", "--output", output, "--seed", "7", "--tokenizer", SharedData.File("data/t5-tokenizer/spiece.model"),
            "--linearization", "subject_collapsed", "--length-penalty", "0.6", "--demo-world", "--name", "my-test", "-q");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Its weights are random: the facts it extracts are meaningless.", result.Out, StringComparison.Ordinal);
        SynthIEManifest manifest = SynthIEManifest.Load(Path.Combine(output, "synthie.json"));
        Assert.Equal(("my-test", "subject_collapsed", 0.6, "world"), (manifest.Name, manifest.Linearization, manifest.LengthPenalty, manifest.World));
        Assert.Equal(32, JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json"))).RootElement.GetProperty("d_model").GetInt32());

        using var extractor = SynthIEExtractor.Create(output, new SynthIEExtractorOptions { MaxNewTokens = 16, NumBeams = 2 });
        Assert.True(extractor.IsConstrained);
        Assert.Equal(481, extractor.World!.Entities.LabelCount);
        Assert.Equal("subject_collapsed", extractor.Linearization.Identifier);
        Assert.Equal(0.6, extractor.LengthPenalty);
        Assert.All(extractor.Extract("Paris is the capital of France.").Facts, fact => Assert.NotEmpty(fact.Subject.WikidataIds));

        CliResult extract = Cli.Run("extract", "-m", output, "--max-new-tokens", "16", "--beams", "2", "-q", "Berlin is in Germany.");
        Assert.Equal(0, extract.ExitCode);
        Assert.Single(extract.JsonLines());
    }

    [Fact]
    public void The_seed_decides_the_weights()
    {
        string tokenizer = SharedData.File("data/t5-tokenizer/spiece.model");
        string[] outputs = [_fixture.PathOf("a"), _fixture.PathOf("b"), _fixture.PathOf("c")];
        Assert.Equal(0, Cli.Run("models", "make-test", "-o", outputs[0], "--seed", "3", "--tokenizer", tokenizer, "-q").ExitCode);
        Assert.Equal(0, Cli.Run("models", "make-test", "-o", outputs[1], "--seed", "3", "--tokenizer", tokenizer, "-q").ExitCode);
        Assert.Equal(0, Cli.Run("models", "make-test", "-o", outputs[2], "--seed", "4", "--tokenizer", tokenizer, "-q").ExitCode);

        byte[] Encoder(string dir) => File.ReadAllBytes(Path.Combine(dir, "encoder_model.onnx"));
        Assert.Equal(Encoder(outputs[0]), Encoder(outputs[1]));
        Assert.NotEqual(Encoder(outputs[0]), Encoder(outputs[2]));
        Assert.Null(SynthIEManifest.Load(Path.Combine(outputs[0], "synthie.json")).World);
    }

    [Fact]
    public void Copies_a_given_world_and_refuses_a_folder_that_is_not_empty()
    {
        string tokenizer = SharedData.File("data/t5-tokenizer/spiece.model");
        string output = _fixture.PathOf("model");
        string world = Path.Combine(SharedData.RepositoryRoot, "samples", "data", "demo-world");

        Assert.Equal(0, Cli.Run("models", "make-test", "-o", output, "--tokenizer", tokenizer, "--world", world, "-q").ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "world", "constrained_worlds", "demo", "entities.json")));

        Cli.Run("models", "make-test", "-o", output, "--tokenizer", tokenizer).AssertOneLineError(1, "is not empty");
        Cli.Run("models", "make-test").AssertOneLineError(2, "--output DIR is required");
        Cli.Run("models", "make-test", "-o", _fixture.PathOf("m"), "--tokenizer", _fixture.PathOf("no.model")).AssertOneLineError(1, "tokenizer not found");
        Cli.Run("models", "make-test", "-o", _fixture.PathOf("m"), "--tokenizer", tokenizer, "--world", _fixture.Scratch).AssertOneLineError(1, "is not a world folder");
        Cli.Run("models", "make-test", "-o", _fixture.PathOf("m"), "--preset", "huge").AssertOneLineError(2, "--preset must be one of tiny, base, large, not 'huge'");
        string notTokenizer = _fixture.Write("bad.model", "not a sentencepiece model");
        Cli.Run("models", "make-test", "-o", _fixture.PathOf("m"), "--tokenizer", notTokenizer).AssertOneLineError(1, "not a usable T5 tokenizer");
    }
}

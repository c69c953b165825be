using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>User mistakes: one line on standard error, a non-zero exit code (2 for the command line, 1 for files), no stack trace.</summary>
public sealed class CommandLineErrorTests : IClassFixture<CliModelFixture>
{
    private readonly CliModelFixture _fixture;

    public CommandLineErrorTests(CliModelFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(new[] { "nosuch" }, "Unrecognized command or argument 'nosuch'")]
    [InlineData(new[] { "extract", "some text" }, "--model DIR is required")]
    [InlineData(new[] { "extract", "-m", "MODEL" }, "nothing to extract")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--beam", "3", "text" }, "unknown option '--beam'")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--beams", "0", "text" }, "--beams must be a whole number of at least 1, not '0'")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--beams", "many", "text" }, "--beams must be a whole number of at least 1, not 'many'")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--length-penalty", "x", "text" }, "--length-penalty must be a number, not 'x'")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--device", "tpu", "text" }, "--device must be one of cpu, cuda, not 'tpu'")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--beams", "2", "--return-sequences", "3", "text" }, "--return-sequences (3) cannot exceed --beams (2)")]
    [InlineData(new[] { "extract", "-m", "MODEL", "--resume", "text" }, "--resume continues an --output FILE")]
    [InlineData(new[] { "extract", "-m", "MODEL", "-i", "x.txt", "text" }, "not both")]
    [InlineData(new[] { "eval", "-p", "x.jsonl" }, "--gold FILE is required")]
    [InlineData(new[] { "eval", "-g", "x.jsonl" }, "give the predictions")]
    [InlineData(new[] { "eval", "-g", "x.jsonl", "--missing", "drop" }, "--missing must be one of empty, exclude, fail, not 'drop'")]
    [InlineData(new[] { "eval", "-g", "x.jsonl", "-p", "y.jsonl", "--beams", "3" }, "--beams sets how the model runs; with --predictions no model is run")]
    [InlineData(new[] { "eval", "-g", "x.jsonl", "-p", "y.jsonl", "-m", "MODEL" }, "give --predictions FILE or --model DIR, not both")]
    [InlineData(new[] { "models", "make-test", "-o", "x", "--seed", "-1" }, "--seed must be a whole number of at least 0, not '-1'")]
    public void Command_line_mistakes_exit_2(string[] args, string expected)
    {
        string[] resolved = [.. args.Select(arg => arg == "MODEL" ? _fixture.ModelDirectory : arg)];
        Cli.Run(resolved).AssertOneLineError(2, expected);
    }

    [Fact]
    public void Missing_and_malformed_files_exit_1_naming_the_file_and_line()
    {
        string missing = _fixture.PathOf("missing.txt");
        Cli.Run("extract", "-m", _fixture.PathOf("no-model"), "text").AssertOneLineError(1, "model folder not found");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "-i", missing).AssertOneLineError(1, $"input file not found: {missing}");
        Cli.Run("eval", "-g", missing, "-p", missing).AssertOneLineError(1, $"gold file not found: {missing}");

        string notJson = _fixture.Write("in.jsonl", "{\"text\": \"fine\"}\n{\"text\": \"broken\"\n");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "-i", notJson).AssertOneLineError(1, $"{notJson}:2: not valid JSON");

        string noText = _fixture.Write("in.jsonl", "{\"text\": \"fine\"}\n\n{\"id\": 3, \"body\": \"x\"}\n");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "-i", noText).AssertOneLineError(1, $"{noText}:3: required field \"text\" is missing");

        string repeated = _fixture.Write("in.jsonl", JsonSerializer.Serialize(new { id = "a", text = "x" }) + "\n" + JsonSerializer.Serialize(new { id = "a", text = "y" }) + "\n");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "-i", repeated).AssertOneLineError(1, $"{repeated}:2: id \"a\" repeats the id of {repeated}:1");

        string badManifest = Directory.CreateDirectory(_fixture.PathOf("model")).FullName;
        File.WriteAllText(Path.Combine(badManifest, "synthie.json"), "{\"num_beams\": \"ten\"}");
        Cli.Run("extract", "-m", badManifest, "text").AssertOneLineError(1, "synthie.json: \"num_beams\" must be an integer");
    }

    [Fact]
    public void Help_and_version_exit_0_on_stdout()
    {
        CliResult help = Cli.Run("extract", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--resume", help.Out, StringComparison.Ordinal);
        Assert.Contains("Usage:", help.Out, StringComparison.Ordinal);
        Assert.Contains("synthie extract", help.Out, StringComparison.Ordinal);

        CliResult version = Cli.Run("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("0.1.0", version.Out, StringComparison.Ordinal);

        CliResult nothing = Cli.Run();
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("extract", nothing.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, nothing.Out);
    }
}

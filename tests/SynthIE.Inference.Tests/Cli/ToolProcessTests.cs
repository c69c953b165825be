using System.Diagnostics;
using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>The built tool run as a process: what a shell sees on stdout and stderr, exit codes, and a real SIGINT.</summary>
public sealed class ToolProcessTests : IClassFixture<CliModelFixture>
{
    private readonly CliModelFixture _fixture;

    public ToolProcessTests(CliModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Piped_stdout_carries_only_json_lines_and_status_goes_to_stderr()
    {
        (int code, string stdout, string stderr) = RunToEnd("extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "16", "--beams", "2", "Paris is in France.", "Rome is in Italy.");

        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal([0, 1], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32()));
        Assert.Contains("Extracted 2 texts", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stderr); // no live bar or colours when stderr is not a terminal
    }

    [Fact]
    public void A_bad_argument_exits_2_with_one_line_and_no_stack_trace()
    {
        (int code, string stdout, string stderr) = RunToEnd("extract", "-m", _fixture.ModelDirectory, "--beams", "zero", "text");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("synthie extract: error: --beams must be a whole number of at least 1, not 'zero'. (see synthie extract --help)", stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Sigint_stops_after_the_current_batch_keeping_complete_lines_and_resume_finishes()
    {
        string[] texts = [.. Enumerable.Range(0, 60).Select(i => $"Text number {i} says that Paris is the capital of France.")];
        string input = _fixture.Write("texts.txt", string.Join('\n', texts) + "\n");
        string output = _fixture.PathOf("out.jsonl");
        string[] args = ["extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "24", "--beams", "3", "--batch-size", "1", "-i", input, "-o", output, "--no-progress"];

        using Process process = ToolProcess.Start(args);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        while (!process.HasExited && (!File.Exists(output) || new FileInfo(output).Length == 0))
        {
            await Task.Delay(10);
        }

        if (!process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync();
        string errors = await stderr;
        string[] written = File.ReadAllLines(output);
        if (process.ExitCode == 130)
        {
            Assert.Contains("interrupted", errors, StringComparison.Ordinal);
            Assert.Contains("--resume", errors, StringComparison.Ordinal);
            Assert.InRange(written.Length, 1, texts.Length - 1);
        }
        else
        {
            Assert.True(process.ExitCode == 0, errors); // finished before the signal arrived
        }

        Assert.EndsWith("\n", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, written.Length), written.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32()));

        Assert.Equal(0, Cli.Run([.. args, "--resume", "-q"]).ExitCode);
        Assert.Equal(Enumerable.Range(0, texts.Length), File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32()));
    }

    private static (int Code, string Stdout, string Stderr) RunToEnd(params string[] args)
    {
        using Process process = ToolProcess.Start(args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>
/// The built tool as a process on inputs that can be read only once (standard input as a path, a FIFO), stopped by
/// SIGTERM while it waits for input, writing to a pipe its reader closes, and writing to a file it shares with stderr.
/// Every wait is bounded.
/// </summary>
public sealed class StreamProcessTests : IClassFixture<CliModelFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly CliModelFixture _fixture;

    public StreamProcessTests(CliModelFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Dev_stdin_is_read_once_and_every_text_is_extracted()
    {
        using Process process = ToolProcess.Start("extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "8", "--beams", "1", "--no-progress", "-i", "/dev/stdin");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync("Paris is in France.\nRome is in Italy.\nBerlin is in Germany.\n");
        process.StandardInput.Close();

        await WaitAsync(process);
        string errors = await stderr;
        Assert.True(process.ExitCode == 0, errors);
        string[] lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Paris is in France.", "Rome is in Italy.", "Berlin is in Germany."], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
        Assert.Contains("Extracted 3 texts", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_is_read_once_and_sigterm_stops_a_run_waiting_for_input_keeping_finished_lines()
    {
        string fifo = _fixture.PathOf("input.fifo");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        string output = _fixture.PathOf("out.jsonl");
        using Process process = ToolProcess.Start("extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "8", "--beams", "1", "--batch-size", "1", "--no-progress", "-i", fifo, "-o", output);
        Task<string> stderr = process.StandardError.ReadToEndAsync();

        try
        {
            await WriteTwoTextsThenTerminateAsync(process, fifo, output);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // the bound ran out: leave no process behind
            }
        }

        string errors = await stderr;
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}: {errors}");
        Assert.Contains("interrupted: 2 texts written", errors, StringComparison.Ordinal);
        Assert.Equal(["Paris is in France.", "Rome is in Italy."], File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
    }

    /// <summary>Writes two texts into the FIFO and keeps it open, so the tool waits for more when SIGTERM comes.</summary>
    private static async Task WriteTwoTextsThenTerminateAsync(Process process, string fifo, string output)
    {
        using var cancel = new CancellationTokenSource(Bound);
        await using var writer = new StreamWriter(await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write), cancel.Token).WaitAsync(cancel.Token));
        await writer.WriteAsync("Paris is in France.\nRome is in Italy.\n");
        await writer.FlushAsync(cancel.Token);
        while (!process.HasExited && (!File.Exists(output) || File.ReadAllLines(output).Length < 2))
        {
            await Task.Delay(20, cancel.Token);
        }

        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancel.Token);
        }

        await WaitAsync(process);
    }

    [Fact]
    public async Task A_closed_stdout_pipe_ends_the_run_with_exit_141_and_one_line()
    {
        // Far more output than a pipe buffers (64 KiB on Linux; ~1.7 KB a line): the tool must still be writing when the
        // reader closes, else it could finish into the buffer and rightly exit 0.
        string[] texts = [.. Enumerable.Range(0, 400).Select(i => $"Text {i}: Paris is the capital of France.")];
        using Process process = ToolProcess.Start(["extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "8", "--beams", "1", "--batch-size", "1", "-q", .. texts]);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Bound);
        string? first = await process.StandardOutput.ReadLineAsync(cancel.Token);
        Assert.NotNull(first);
        process.StandardOutput.Close(); // as `| head -1` does

        await WaitAsync(process);
        string errors = await stderr;
        Assert.Equal(141, process.ExitCode);
        Assert.StartsWith("synthie extract: error: standard output was closed by its reader after", errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdout_and_stderr_sent_to_one_file_lose_nothing()
    {
        // `> log 2>&1`: both descriptors share one file offset. A writer that keeps its own position (a seekable
        // FileStream writes with pwrite) would write over the status lines, and the shell's next line over its results.
        string log = _fixture.PathOf("both.log");
        using Process process = ToolProcess.StartInShell(
            "log=$1; shift; exec > \"$log\" 2>&1; echo before; \"$@\"; echo \"after $?\"",
            log,
            "extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "8", "--beams", "1", "--no-progress", "Paris is in France.", "Rome is in Italy.", "Berlin is in Germany.");
        Task<string> shellErrors = process.StandardError.ReadToEndAsync();

        await WaitAsync(process);
        Assert.True(process.ExitCode == 0, await shellErrors);
        string[] lines = File.ReadAllLines(log);
        Assert.Equal("before", lines[0]);
        Assert.Equal("after 0", lines[^1]);
        Assert.Equal(
            ["Paris is in France.", "Rome is in Italy.", "Berlin is in Germany."],
            lines.Where(line => line.StartsWith('{')).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
        Assert.Contains(lines, line => line.StartsWith("Loaded ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Extracted 3 texts", StringComparison.Ordinal));
    }

    private static async Task WaitAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the tool did not exit within {Bound.TotalSeconds} s");
        }
    }
}

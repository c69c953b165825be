using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>What one run of the tool returned and wrote.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Gets standard output's lines (without the final empty one).</summary>
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses every line of standard output as JSON, failing the test on one that is not.</summary>
    public List<JsonElement> JsonLines() => [.. OutLines.Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    /// <summary>Asserts the run failed with the code and one line on standard error containing the text, and no stack trace.</summary>
    public void AssertOneLineError(int exitCode, string expected)
    {
        Assert.True(exitCode == ExitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}");
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {Error}");
        Assert.StartsWith("synthie", lines[0], StringComparison.Ordinal);
        Assert.Contains(": error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Out);
    }
}

namespace SynthIE.Inference.Tests.ExportScript;

/// <summary>What a Python run returned.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal sealed record PythonResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Gets both streams, for assertion messages.</summary>
    public string Output => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

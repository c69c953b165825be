using System.Diagnostics;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.ExportScript;

/// <summary>
/// Runs the repository's Python files with Debian's interpreter (<c>/usr/bin/python3</c>, by full path: a
/// <c>python3</c> earlier on PATH may not see Debian's packages such as python3-torch).
/// </summary>
internal static class PythonScript
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>Gets the path of a file under <c>models/</c>.</summary>
    public static string ModelsFile(string relativePath) => Path.Combine(SharedData.RepositoryRoot, "models", relativePath);

    /// <summary>Fails the test with a clear message unless Debian's interpreter can import <paramref name="module"/>.</summary>
    public static async Task RequireModuleAsync(string module, string debianPackage)
    {
        if (!File.Exists(Interpreter))
        {
            Assert.Fail($"{Interpreter} is missing: install Debian's python3 (apt-get install -y python3).");
        }

        PythonResult probe = await RunAsync("-c", $"import {module}");
        if (probe.ExitCode != 0)
        {
            Assert.Fail($"{Interpreter} cannot import {module}: install Debian's {debianPackage} " +
                $"(apt-get install -y --no-install-recommends {debianPackage}); .ci/run installs it. {probe.Output}");
        }
    }

    /// <summary>Runs the interpreter with <paramref name="arguments"/> from the repository root.</summary>
    public static async Task<PythonResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            WorkingDirectory = SharedData.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Interpreter} did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Interpreter} {string.Join(' ', arguments)} did not finish within {Limit.TotalMinutes} minutes.");
        }

        return new PythonResult(process.ExitCode, await stdout, await stderr);
    }
}

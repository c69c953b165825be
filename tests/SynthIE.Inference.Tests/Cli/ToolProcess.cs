using System.Diagnostics;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>Starts the built synthie tool as a real process (with <c>dotnet</c>), its standard streams redirected.</summary>
internal static class ToolProcess
{
    public static Process Start(params string[] args) => Start(ToolCommand(), args);

    /// <summary>
    /// Runs <paramref name="script"/> with <c>/bin/sh -c</c>: <c>$1</c> is <paramref name="scriptArgument"/>, and
    /// <c>"$@"</c> after one <c>shift</c> is the tool's command line with <paramref name="args"/>, so the shell, not the
    /// test, decides where the tool's descriptors point.
    /// </summary>
    public static Process StartInShell(string script, string scriptArgument, params string[] args) =>
        Start(["/bin/sh", "-c", script, "sh", scriptArgument, .. ToolCommand()], args);

    private static string[] ToolCommand()
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "SynthIE.Inference.Cli.dll");
        Assert.True(File.Exists(tool), $"the built tool is missing: {tool}");
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        return [dotnet, tool];
    }

    private static Process Start(string[] command, string[] args)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in command.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}

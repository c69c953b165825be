using System.Diagnostics;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>Starts the built synthie tool as a real process (with <c>dotnet</c>), its standard streams redirected.</summary>
internal static class ToolProcess
{
    public static Process Start(params string[] args)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "SynthIE.Inference.Cli.dll");
        Assert.True(File.Exists(tool), $"the built tool is missing: {tool}");
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}

using SynthIE.Inference.Cli;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>Runs the synthie tool in-process through its entry point, capturing its output.</summary>
internal static class Cli
{
    public static CliResult Run(params string[] args) => Run(args, stdin: null, CancellationToken.None);

    public static CliResult Run(string[] args, string? stdin, CancellationToken cancellationToken, TextWriter? stdout = null)
    {
        var output = stdout ?? new StringWriter();
        var error = new StringWriter();
        int code = SynthieCli.Run(args, new StringReader(stdin ?? string.Empty), output, error, stderrIsTerminal: false, cancellationToken);
        return new CliResult(code, output.ToString()!, error.ToString());
    }
}

namespace SynthIE.Inference.Cli.Common;

/// <summary>
/// Where a command writes and when it must stop: results on <see cref="Out"/>, everything for people (status, progress,
/// summaries) on <see cref="Error"/>, and <see cref="Cancellation"/> set by Ctrl+C or SIGTERM.
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextReader input, TextWriter output, TextWriter error, bool errorIsTerminal, CancellationToken cancellation)
    {
        In = input;
        OpenStandardInput = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input.ReadToEnd()));
        Out = output;
        Error = error;
        ErrorIsTerminal = errorIsTerminal;
        Cancellation = cancellation;
    }

    /// <summary>Gets standard input as text.</summary>
    public TextReader In { get; }

    /// <summary>Gets a function that opens standard input as bytes (read once by <c>--input -</c>); by default, <see cref="In"/>'s text as UTF-8.</summary>
    public Func<Stream> OpenStandardInput { get; init; }

    /// <summary>Gets standard output: results only (JSON Lines, reports).</summary>
    public TextWriter Out { get; }

    /// <summary>Gets standard error: status lines, progress and errors.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets a value indicating whether standard error is an interactive terminal (live progress bars are drawn only then).</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>Gets a value indicating whether standard output is an interactive terminal.</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>Gets the token set when the user asks the tool to stop.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Gets or sets a value indicating whether status lines are suppressed (<c>--quiet</c>).</summary>
    public bool Quiet { get; set; }

    /// <summary>Writes a status line to standard error unless quiet.</summary>
    /// <param name="line">The line.</param>
    public void Status(string line)
    {
        if (!Quiet)
        {
            Error.WriteLine(line);
            Error.Flush();
        }
    }
}

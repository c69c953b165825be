namespace SynthIE.Inference.Cli.Common;

/// <summary>
/// A mistake the user can fix (a bad option value, a missing or malformed file): reported as one line on standard error
/// with <see cref="ExitCode"/>, never with a stack trace.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    public CliException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class for a failure (exit code 1).</summary>
    /// <param name="message">What is wrong, in one line.</param>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class for a failure (exit code 1).</summary>
    /// <param name="message">What is wrong, in one line.</param>
    /// <param name="innerException">The underlying error.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    /// <param name="message">What is wrong, in one line.</param>
    /// <param name="exitCode">The exit code.</param>
    public CliException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>Gets the exit code (1 unless set).</summary>
    public int ExitCode { get; } = ExitCodes.Failure;

    /// <summary>Makes the exception for a command-line mistake (exit code 2).</summary>
    /// <param name="message">What is wrong, in one line.</param>
    /// <returns>The exception.</returns>
    internal static CliException Usage(string message) => new(message, ExitCodes.Usage);
}

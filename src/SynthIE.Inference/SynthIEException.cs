namespace SynthIE.Inference;

/// <summary>
/// The base of every error the library reports about its inputs: model folders (<see cref="ModelLoadException"/>),
/// world files (<see cref="WorldFileException"/>), the execution provider (<see cref="ExecutionProviderUnavailableException"/>)
/// and, in <c>SynthIE.Inference.Evaluation</c>, evaluation data. Where one file is at fault the message starts with its
/// path (and line, <c>path:line: problem</c>), and <see cref="FilePath"/> and <see cref="LineNumber"/> hold them.
/// Invalid arguments and options are reported with <see cref="ArgumentException"/> as usual.
/// </summary>
public class SynthIEException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SynthIEException"/> class.</summary>
    public SynthIEException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SynthIEException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public SynthIEException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SynthIEException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public SynthIEException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SynthIEException"/> class for a problem in one file.</summary>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="lineNumber">The 1-based line at fault, or 0 for the file as a whole.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SynthIEException(string filePath, long lineNumber, string problem, Exception? innerException = null)
        : base(lineNumber > 0 ? $"{filePath}:{lineNumber}: {problem}" : $"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        LineNumber = Math.Max(0, lineNumber);
    }

    /// <summary>Gets the file at fault, when one file is.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line at fault in <see cref="FilePath"/>, or 0 when no single line is.</summary>
    public long LineNumber { get; }
}

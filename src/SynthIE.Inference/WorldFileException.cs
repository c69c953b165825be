namespace SynthIE.Inference;

/// <summary>A world or catalog file could not be read: malformed content, with the file and line.</summary>
public sealed class WorldFileException : SynthIEException
{
    /// <summary>Initializes a new instance of the <see cref="WorldFileException"/> class.</summary>
    public WorldFileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorldFileException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public WorldFileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorldFileException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public WorldFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorldFileException"/> class for a problem in one file.</summary>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="lineNumber">The 1-based line at fault, or 0 for the file as a whole.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public WorldFileException(string filePath, long lineNumber, string problem, Exception? innerException = null)
        : base(filePath, lineNumber, problem, innerException)
    {
    }
}

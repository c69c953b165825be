namespace SynthIE.Inference;

/// <summary>A world or catalog file could not be read: malformed content, with the file and line.</summary>
public sealed class WorldFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WorldFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public WorldFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorldFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a place in a file.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="lineNumber">The 1-based line, or 0 when unknown.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WorldFileException(string filePath, long lineNumber, string problem, Exception? innerException = null)
        : base(lineNumber > 0 ? $"{filePath}:{lineNumber}: {problem}" : $"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the file that could not be read.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line with the problem, or 0 when unknown.</summary>
    public long LineNumber { get; }
}

namespace SynthIE.Inference;

/// <summary>
/// Thrown when a model directory cannot be loaded: a file is missing, unreadable or malformed, or two files disagree
/// (tensor names, shapes, vocabulary sizes). The message names the file and the mismatch.
/// </summary>
public sealed class ModelLoadException : SynthIEException
{
    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class.</summary>
    public ModelLoadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class for a problem in one file or folder.</summary>
    /// <param name="filePath">The file (or folder) at fault.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelLoadException(string filePath, string message, Exception? innerException = null)
        : base(filePath, 0, message, innerException)
    {
    }
}

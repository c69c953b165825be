namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Thrown when gold or prediction data cannot be evaluated: a file is unreadable or a line is malformed, an id is
/// missing, repeated or unknown. The message names the file and line when the data came from a file.
/// </summary>
public sealed class EvaluationDataException : SynthIEException
{
    /// <summary>Initializes a new instance of the <see cref="EvaluationDataException"/> class.</summary>
    public EvaluationDataException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvaluationDataException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public EvaluationDataException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvaluationDataException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public EvaluationDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvaluationDataException"/> class for a problem in one file.</summary>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="lineNumber">The 1-based line at fault, or 0 for the file as a whole.</param>
    /// <param name="message">What is wrong there.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EvaluationDataException(string filePath, long lineNumber, string message, Exception? innerException = null)
        : base(filePath, lineNumber, message, innerException)
    {
    }
}

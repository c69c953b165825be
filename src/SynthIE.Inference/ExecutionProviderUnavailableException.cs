namespace SynthIE.Inference;

/// <summary>Thrown when an execution device was requested that the loaded ONNX Runtime or this machine cannot provide.</summary>
public sealed class ExecutionProviderUnavailableException : SynthIEException
{
    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    public ExecutionProviderUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public ExecutionProviderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public ExecutionProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

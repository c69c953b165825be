namespace SynthIE.Inference;

/// <summary>Thrown when an execution device was requested that the loaded ONNX Runtime or this machine cannot provide.</summary>
public sealed class ExecutionProviderUnavailableException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    public ExecutionProviderUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    /// <param name="message">What was requested and why it is unavailable.</param>
    public ExecutionProviderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionProviderUnavailableException"/> class.</summary>
    /// <param name="message">What was requested and why it is unavailable.</param>
    /// <param name="innerException">The error ONNX Runtime reported.</param>
    public ExecutionProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

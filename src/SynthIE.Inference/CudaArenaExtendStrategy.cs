namespace SynthIE.Inference;

/// <summary>How ONNX Runtime's CUDA memory arena grows when it needs more GPU memory (its <c>arena_extend_strategy</c>).</summary>
public enum CudaArenaExtendStrategy
{
    /// <summary>Grow by powers of two (ONNX Runtime's default: fewer, larger allocations; may reserve more than is used).</summary>
    NextPowerOfTwo = 0,

    /// <summary>Grow by exactly what is requested (keeps the reserved GPU memory close to the peak use).</summary>
    SameAsRequested = 1,
}

namespace SynthIE.Inference;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionDevice
{
    /// <summary>ONNX Runtime's CPU execution provider (needs the <c>Microsoft.ML.OnnxRuntime</c> package or any GPU package).</summary>
    Cpu = 0,

    /// <summary>ONNX Runtime's CUDA execution provider (needs <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> or <c>.Gpu.Windows</c>, an NVIDIA GPU, CUDA 13 and cuDNN 9).</summary>
    Cuda = 1,
}

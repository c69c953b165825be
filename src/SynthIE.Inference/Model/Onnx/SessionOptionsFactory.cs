using Microsoft.ML.OnnxRuntime;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>Creates ONNX Runtime session options for an execution device, turning provider failures into clear errors.</summary>
internal static class SessionOptionsFactory
{
    /// <summary>Creates session options for <paramref name="device"/>.</summary>
    /// <param name="device">CPU or CUDA.</param>
    /// <param name="intraOpThreads">Threads inside one operator (0 = ONNX Runtime's default: one per physical core).</param>
    /// <param name="cudaDeviceId">The CUDA device ordinal, used with <see cref="ExecutionDevice.Cuda"/>.</param>
    /// <returns>Options the caller owns and disposes.</returns>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested but cannot be used here.</exception>
    public static SessionOptions Create(ExecutionDevice device, int intraOpThreads = 0, int cudaDeviceId = 0)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
        };
        try
        {
            if (device == ExecutionDevice.Cuda)
            {
                AppendCuda(options, cudaDeviceId);
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static void AppendCuda(SessionOptions options, int deviceId)
    {
        IReadOnlyList<string> providers = OnnxRuntimeInfo.AvailableProviders();
        if (!providers.Contains("CUDAExecutionProvider"))
        {
            throw new ExecutionProviderUnavailableException(
                $"CUDA was requested, but the loaded ONNX Runtime {OnnxRuntimeInfo.NativeVersion()} native library has no CUDA execution provider " +
                $"(it has: {string.Join(", ", providers)}). Reference Microsoft.ML.OnnxRuntime.Gpu.Linux (Linux) or Microsoft.ML.OnnxRuntime.Gpu.Windows (Windows) " +
                $"{OnnxRuntimeInfo.ExpectedVersion} instead of Microsoft.ML.OnnxRuntime (in this repository: SYNTHIE_ORT=gpu ./build.sh ...) " +
                "and run on a machine with an NVIDIA GPU, CUDA 13 and cuDNN 9.");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (Exception error) when (error is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new ExecutionProviderUnavailableException(
                $"CUDA device {deviceId} could not be used by ONNX Runtime {OnnxRuntimeInfo.NativeVersion()}: {error.Message} " +
                "Check that an NVIDIA GPU is present (nvidia-smi), that CUDA 13 and cuDNN 9 libraries are on the library path, " +
                "and that the Microsoft.ML.OnnxRuntime.Gpu.Linux (or .Gpu.Windows) package is referenced.", error);
        }
    }
}

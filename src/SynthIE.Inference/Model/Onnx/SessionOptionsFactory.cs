using Microsoft.ML.OnnxRuntime;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>Creates ONNX Runtime session options for an execution device, turning provider failures into clear errors.</summary>
internal static class SessionOptionsFactory
{
    /// <summary>Creates session options for <paramref name="device"/>.</summary>
    /// <param name="device">CPU or CUDA.</param>
    /// <param name="intraOpThreads">Threads inside one operator (0 = ONNX Runtime's default: one per physical core).</param>
    /// <param name="cuda">The CUDA provider's settings, used with <see cref="ExecutionDevice.Cuda"/> (default: device 0, ONNX Runtime's arena defaults).</param>
    /// <returns>Options the caller owns and disposes.</returns>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested but cannot be used here.</exception>
    public static SessionOptions Create(ExecutionDevice device, int intraOpThreads = 0, CudaSettings? cuda = null)
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
                AppendCuda(options, cuda ?? new CudaSettings());
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static void AppendCuda(SessionOptions options, CudaSettings settings)
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

        // ONNX Runtime only logs why its CUDA provider library did not load; loading it first names the missing library.
        // Only a missing library is reported here: any other loader complaint (the provider resolves some symbols from
        // ONNX Runtime's libraries once ONNX Runtime loads it) is left to ONNX Runtime's own attempt below.
        if (CudaLibraryProbe.FindProviderLibrary() is { } provider && CudaLibraryProbe.LoadError(provider) is { } loadError
            && CudaLibraryProbe.MissingLibrary(loadError) is not null)
        {
            throw new ExecutionProviderUnavailableException(CudaLibraryProbe.Describe(provider, loadError));
        }

        try
        {
            using var cudaOptions = new OrtCUDAProviderOptions();
            cudaOptions.UpdateOptions(settings.ProviderOptions());
            options.AppendExecutionProvider_CUDA(cudaOptions);
        }
        catch (Exception error) when (error is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new ExecutionProviderUnavailableException(
                $"CUDA device {settings.DeviceId} could not be used by ONNX Runtime {OnnxRuntimeInfo.NativeVersion()}: {error.Message} " +
                "Check that an NVIDIA GPU is present (nvidia-smi), that CUDA 13 and cuDNN 9 libraries are on the library path, " +
                "and that the Microsoft.ML.OnnxRuntime.Gpu.Linux (or .Gpu.Windows) package is referenced.", error);
        }
    }
}

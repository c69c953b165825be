using Microsoft.ML.OnnxRuntime;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Facts about the ONNX Runtime native library this process has loaded.
/// </summary>
internal static class OnnxRuntimeInfo
{
    /// <summary>The ONNX Runtime version this library is built and tested against.</summary>
    public const string ExpectedVersion = "1.32.0";

    /// <summary>Gets the version string reported by the loaded native ONNX Runtime library.</summary>
    /// <returns>The version, for example <c>1.32.0</c>.</returns>
    public static string NativeVersion() => OrtEnv.Instance().GetVersionString();

    /// <summary>Gets the execution providers compiled into the loaded native library.</summary>
    /// <returns>Provider names such as <c>CPUExecutionProvider</c> or <c>CUDAExecutionProvider</c>.</returns>
    public static IReadOnlyList<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();
}

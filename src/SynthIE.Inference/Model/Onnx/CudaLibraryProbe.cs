using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Finds out which shared library keeps ONNX Runtime's CUDA provider from loading. ONNX Runtime loads
/// <c>libonnxruntime_providers_cuda.so</c> lazily and only logs the loader's error; loading it first here gets that error
/// (it names the first missing dependency, such as <c>libcublasLt.so.13</c> or <c>libcudnn.so.9</c>) for the exception.
/// Linux only: elsewhere nothing is probed. The provider is linked with immediate binding and takes
/// <c>Provider_GetHost</c> from <c>libonnxruntime_providers_shared.so</c>, which ONNX Runtime loads first; so where every
/// library is present this load still fails (undefined symbol), and only a missing library is worth reporting.
/// </summary>
internal static partial class CudaLibraryProbe
{
    /// <summary>The CUDA provider's file name, next to <c>libonnxruntime.so</c>.</summary>
    public const string ProviderFileName = "libonnxruntime_providers_cuda.so";

    /// <summary>Finds the CUDA provider library beside the ONNX Runtime library this process has loaded.</summary>
    /// <returns>Its path, or <see langword="null"/> when not on Linux, ONNX Runtime is not mapped, or the file is absent.</returns>
    public static string? FindProviderLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    continue;
                }

                string path = line[slash..];
                if (Path.GetFileName(path).StartsWith("libonnxruntime.so", StringComparison.Ordinal))
                {
                    string provider = Path.Combine(Path.GetDirectoryName(path)!, ProviderFileName);
                    return File.Exists(provider) ? provider : null;
                }
            }
        }
        catch (IOException)
        {
            // No /proc: nothing to probe; ONNX Runtime's own error is reported instead.
        }

        return null;
    }

    /// <summary>Loads <paramref name="library"/> (it stays loaded, as ONNX Runtime would load it anyway).</summary>
    /// <param name="library">The library's path.</param>
    /// <returns>The loader's message when it cannot be loaded, otherwise <see langword="null"/>.</returns>
    public static string? LoadError(string library)
    {
        try
        {
            NativeLibrary.Load(library);
            return null;
        }
        catch (DllNotFoundException error)
        {
            return error.Message;
        }
        catch (BadImageFormatException error)
        {
            return error.Message;
        }
    }

    /// <summary>Picks the missing library's file name out of a loader message (<c>NAME: cannot open shared object file</c>).</summary>
    /// <param name="loaderMessage">The message of the failed load.</param>
    /// <returns>The file name, or <see langword="null"/> when the message names none.</returns>
    public static string? MissingLibrary(string loaderMessage)
    {
        Match match = MissingPattern().Match(loaderMessage);
        return match.Success ? match.Groups["name"].Value : null;
    }

    /// <summary>The exception message for a provider library that failed to load.</summary>
    /// <param name="provider">The provider library's path.</param>
    /// <param name="loaderMessage">The loader's message.</param>
    /// <returns>The message: which library is missing, and where CUDA's and cuDNN's libraries must be.</returns>
    public static string Describe(string provider, string loaderMessage)
    {
        string? missing = MissingLibrary(loaderMessage);
        string detail = string.Join(" ", loaderMessage.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return (missing is null
                ? $"CUDA was requested, but ONNX Runtime's CUDA provider {provider} cannot be loaded"
                : $"CUDA was requested, but ONNX Runtime's CUDA provider {provider} cannot be loaded: {missing} was not found") +
            $" (the loader said: {detail}). Install CUDA 13 and cuDNN 9 (for example the nvidia-cublas, nvidia-cuda-runtime and nvidia-cudnn " +
            "Python wheels) and put their lib folders on LD_LIBRARY_PATH.";
    }

    [GeneratedRegex(@"(?<name>[^\s:/'""]+\.so(\.[0-9]+)*): cannot open shared object file", RegexOptions.CultureInvariant)]
    private static partial Regex MissingPattern();
}

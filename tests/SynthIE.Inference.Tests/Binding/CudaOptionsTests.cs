using System.Diagnostics;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SynthIE.Inference.Tests.Binding;

/// <summary>
/// The options a GPU user sets (memory arena) and the error when CUDA's libraries are missing, as far as they can be
/// checked without a GPU: validation, the provider options they become, and the name of the missing library picked out
/// of a real loader failure (a small shared library built here with <c>cc</c>, linked against one that is then deleted).
/// </summary>
public sealed class CudaOptionsTests
{
    private readonly ITestOutputHelper _output;

    public CudaOptionsTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void A_memory_limit_below_one_mebibyte_is_rejected_naming_the_option()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => SynthIEExtractor.Create("/nonexistent-model", new SynthIEExtractorOptions { CudaMemoryLimitBytes = 4096 }));
        Assert.Contains("CudaMemoryLimitBytes is 4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_become_the_cuda_provider_options_onnx_runtime_reads()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["device_id"] = "0", ["arena_extend_strategy"] = "kNextPowerOfTwo" },
            new CudaSettings().ProviderOptions());
        Assert.Equal(
            new Dictionary<string, string> { ["device_id"] = "3", ["arena_extend_strategy"] = "kSameAsRequested", ["gpu_mem_limit"] = "8589934592" },
            new CudaSettings(3, 8L << 30, ArenaGrowsAsRequested: true).ProviderOptions());
    }

    [Theory]
    [InlineData("Unable to load shared library '/x/libonnxruntime_providers_cuda.so' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \nlibcublasLt.so.13: cannot open shared object file: No such file or directory", "libcublasLt.so.13")]
    [InlineData("libcudnn.so.9: cannot open shared object file: No such file or directory", "libcudnn.so.9")]
    [InlineData("/opt/x/libonnxruntime_providers_cuda.so: undefined symbol: cudaGetDevice", null)]
    public void The_missing_library_is_picked_out_of_the_loader_message(string message, string? expected)
    {
        Assert.Equal(expected, CudaLibraryProbe.MissingLibrary(message));
        string described = CudaLibraryProbe.Describe("/x/" + CudaLibraryProbe.ProviderFileName, message);
        Assert.Contains(expected ?? "cannot be loaded", described, StringComparison.Ordinal);
        Assert.Contains("LD_LIBRARY_PATH", described, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_with_a_missing_dependency_is_reported_with_that_dependency_name()
    {
        if (!OperatingSystem.IsLinux() || !HasCompiler())
        {
            // Said in the test output; the parsing itself is covered by the theory above.
            _output.WriteLine("Not checked against a real loader failure here: needs Linux and a C compiler (cc).");
            return;
        }

        using var folder = new TemporaryDirectory();
        string missing = Path.Combine(folder.Path, "libsynthie_missing.so.1");
        string probe = Path.Combine(folder.Path, "libsynthie_probe.so");
        File.WriteAllText(Path.Combine(folder.Path, "m.c"), "int synthie_missing(void) { return 1; }\n");
        File.WriteAllText(Path.Combine(folder.Path, "p.c"), "int synthie_missing(void);\nint synthie_probe(void) { return synthie_missing(); }\n");
        Compile(folder.Path, "-shared", "-fPIC", "-o", missing, "-Wl,-soname,libsynthie_missing.so.1", "m.c");
        Compile(folder.Path, "-shared", "-fPIC", "-o", probe, "p.c", "-L.", "-l:libsynthie_missing.so.1");
        File.Delete(missing);

        string? error = CudaLibraryProbe.LoadError(probe);
        Assert.NotNull(error);
        Assert.Equal("libsynthie_missing.so.1", CudaLibraryProbe.MissingLibrary(error));
        Assert.Contains("libsynthie_missing.so.1 was not found", CudaLibraryProbe.Describe(probe, error), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_gpu_package_no_cuda_provider_library_is_found()
    {
        if (OnnxRuntimeInfo.AvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return; // the GPU package is referenced: the probe runs for real when CUDA is requested
        }

        Assert.Null(CudaLibraryProbe.FindProviderLibrary());
    }

    private static bool HasCompiler()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        return path is not null && path.Split(':').Any(folder => File.Exists(Path.Combine(folder, "cc")));
    }

    private static void Compile(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("cc") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"cc {string.Join(' ', arguments)} failed: {errors}");
    }
}

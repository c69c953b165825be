using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.Tests.Runtime;

/// <summary>ONNX Runtime (Microsoft.ML.OnnxRuntime 1.32.0 from NuGet) actually loads, runs a real model on CPU, and reports itself correctly.</summary>
public sealed class OnnxRuntimeSmokeTests
{
    [Fact]
    public void Native_library_reports_version_1_29_0()
    {
        Assert.Equal("1.32.0", OnnxRuntimeInfo.NativeVersion());
        Assert.Equal(OnnxRuntimeInfo.ExpectedVersion, OnnxRuntimeInfo.NativeVersion());
    }

    [Fact]
    public void Cpu_execution_provider_is_available()
    {
        Assert.Contains("CPUExecutionProvider", OnnxRuntimeInfo.AvailableProviders());
    }

    [Fact]
    public void Runs_a_generated_matmul_add_model_and_returns_exact_numbers()
    {
        // y = x · W + b with x [batch, 3], W [3, 2], b [2].
        var graph = new OnnxGraphBuilder("smoke");
        graph.AddInput("x", OnnxElementType.Float, "batch", 3);
        string w = graph.Constant([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        string b = graph.Constant([0.5f, -1f], 2);
        string product = graph.Op("MatMul", "x", w);
        graph.OpInto("Add", [product, b], ["y"]);
        graph.AddOutput("y", OnnxElementType.Float, "batch", 2);

        using var options = new SessionOptions();
        using var session = new InferenceSession(OnnxModelWriter.ToBytes(graph), options);
        Assert.Equal(["x"], session.InputNames);
        Assert.Equal(["y"], session.OutputNames);

        float[] x = [1f, 0f, -1f, 2f, 1f, 0.5f];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, 3]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["x"], [input], ["y"]);
        ReadOnlySpan<float> y = outputs[0].GetTensorDataAsSpan<float>();

        // Row 0: [1,0,-1]·W = [1-5, 2-6] = [-4,-4]; + b = [-3.5, -5].
        // Row 1: [2,1,0.5]·W = [2+3+2.5, 4+4+3] = [7.5, 11]; + b = [8, 10].
        Assert.Equal([-3.5f, -5f, 8f, 10f], y.ToArray());
        Assert.Equal([2L, 2L], outputs[0].GetTensorTypeAndShape().Shape);
    }

    [Fact]
    public void Requesting_cuda_without_a_gpu_fails_with_a_clear_exception()
    {
        if (File.Exists("/dev/nvidia0") && OnnxRuntimeInfo.AvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return; // A real GPU with the GPU package: the CUDA path is exercised by the GPU benchmarks instead.
        }

        ExecutionProviderUnavailableException error = Assert.Throws<ExecutionProviderUnavailableException>(
            () => SessionOptionsFactory.Create(ExecutionDevice.Cuda));
        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_session_options_are_created_without_error()
    {
        using SessionOptions options = SessionOptionsFactory.Create(ExecutionDevice.Cpu, intraOpThreads: 1);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
        Assert.Equal(1, options.IntraOpNumThreads);
    }
}

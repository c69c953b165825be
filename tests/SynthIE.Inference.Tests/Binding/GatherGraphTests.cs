using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Tests.Binding;

/// <summary>The in-memory row gather graph alone: loaded by ONNX Runtime, run with bound outputs, rows of every input moved.</summary>
public sealed class GatherGraphTests
{
    [Fact]
    public void Gathers_rows_of_float_and_int64_tensors_of_any_rank_by_one_index_list()
    {
        using SessionOptions options = SessionOptionsFactory.Create(ExecutionDevice.Cpu);
        using var session = new InferenceSession(GatherGraph.Build([TensorElementType.Float, TensorElementType.Int64]), options);
        Assert.Equal([GatherGraph.Indices, GatherGraph.Data(0), GatherGraph.Data(1)], session.InputNames);
        Assert.Equal([GatherGraph.Rows(0), GatherGraph.Rows(1)], session.OutputNames);

        // data0: [3, 2, 2] floats (row r holds 10r..10r+3), data1: [3, 4] int64.
        float[] floats = [.. Enumerable.Range(0, 3).SelectMany(r => Enumerable.Range(0, 4).Select(i => (10f * r) + i))];
        long[] longs = [.. Enumerable.Range(0, 12).Select(i => (long)i * 7)];
        using OrtValue data0 = OrtValue.CreateTensorValueFromMemory(floats, [3, 2, 2]);
        using OrtValue data1 = OrtValue.CreateTensorValueFromMemory(longs, [3, 4]);
        using OrtValue indices = OrtValue.CreateTensorValueFromMemory(new long[] { 2, 0, 2, 2, 1 }, [5]);
        OrtValue[] outputs = T5DeviceBinding.Run(
            session, binding: null, new RunOptions(), [GatherGraph.Indices, GatherGraph.Data(0), GatherGraph.Data(1)], [indices, data0, data1],
            [GatherGraph.Rows(0), GatherGraph.Rows(1)], OrtMemoryInfo.DefaultInstance, firstOutputOnHost: false);
        try
        {
            Assert.Equal([5L, 2, 2], outputs[0].GetTensorTypeAndShape().Shape);
            Assert.Equal([5L, 4], outputs[1].GetTensorTypeAndShape().Shape);
            int[] rows = [2, 0, 2, 2, 1];
            float[] expectedFloats = [.. rows.SelectMany(r => floats.Skip(4 * r).Take(4))];
            long[] expectedLongs = [.. rows.SelectMany(r => longs.Skip(4 * r).Take(4))];
            Assert.Equal(expectedFloats, outputs[0].GetTensorDataAsSpan<float>().ToArray());
            Assert.Equal(expectedLongs, outputs[1].GetTensorDataAsSpan<long>().ToArray());
        }
        finally
        {
            foreach (OrtValue output in outputs)
            {
                output.Dispose();
            }
        }
    }

    [Fact]
    public void The_binding_gathers_a_cache_of_four_dimensional_tensors_and_fewer_rows()
    {
        using T5DeviceBinding binding = T5DeviceBinding.Create(ExecutionDevice.Cpu, new CudaSettings(), layers: 2);
        Assert.Same(OrtMemoryInfo.DefaultInstance, binding.DeviceMemory);
        var random = new Random(3);
        float[][] caches = [.. Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 4 * 2 * 3 * 2).Select(_ => random.NextSingle()).ToArray())];
        OrtValue[] inputs = [.. caches.Select(cache => OrtValue.CreateTensorValueFromMemory(cache, [4, 2, 3, 2]))];
        using var runOptions = new RunOptions();
        OrtValue[] gathered = binding.Gather(binding.SelfGather, binding: null, runOptions, inputs, [3, 3, 0]);
        try
        {
            for (int t = 0; t < caches.Length; t++)
            {
                Assert.Equal([3L, 2, 3, 2], gathered[t].GetTensorTypeAndShape().Shape);
                float[] expected = [.. new[] { 3, 3, 0 }.SelectMany(r => caches[t].Skip(12 * r).Take(12))];
                Assert.Equal(expected, gathered[t].GetTensorDataAsSpan<float>().ToArray());
            }
        }
        finally
        {
            foreach (OrtValue value in inputs.Concat(gathered))
            {
                value.Dispose();
            }
        }
    }
}

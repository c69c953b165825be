using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Runs a model's graphs with <see cref="OrtIoBinding"/> so that the tensors kept between runs stay in the execution
/// device's memory (GPU memory with CUDA, CPU memory otherwise): the encoder's output, the key/value caches and the
/// per-row encoder tensors are bound as outputs allocated on the device and passed on as inputs; only the logits are bound
/// to host memory. Rows of device tensors are gathered on the device by small in-memory graphs (<see cref="GatherGraph"/>)
/// run with the same execution provider.
/// </summary>
internal sealed class T5DeviceBinding : IDisposable
{
    private const string GatherGraphName = "the in-memory row gather graph";
    private readonly OrtMemoryInfo? _ownedMemory;

    private T5DeviceBinding(OrtMemoryInfo memory, OrtMemoryInfo? owned, InferenceSession self, InferenceSession rows, InferenceSession encoder)
    {
        DeviceMemory = memory;
        _ownedMemory = owned;
        SelfGather = self;
        RowGather = rows;
        EncoderGather = encoder;
    }

    /// <summary>Gets where the device-resident tensors live.</summary>
    public OrtMemoryInfo DeviceMemory { get; }

    /// <summary>Gets the gather over the self-attention cache (2 × layers float tensors).</summary>
    public InferenceSession SelfGather { get; }

    /// <summary>Gets the gather that builds the per-row tensors: cross-attention cache (2 × layers), encoder states, mask.</summary>
    public InferenceSession RowGather { get; }

    /// <summary>Gets the gather over the encoder states and mask (first step, when items are not in order).</summary>
    public InferenceSession EncoderGather { get; }

    /// <summary>Creates the binding for <paramref name="device"/>, with its gather sessions.</summary>
    /// <param name="device">The model's execution device.</param>
    /// <param name="cuda">The CUDA provider's settings (used with <see cref="ExecutionDevice.Cuda"/>).</param>
    /// <param name="layers">The decoder layer count.</param>
    /// <returns>The binding, owned by the caller.</returns>
    /// <remarks>
    /// The gather sessions run with one intra-op thread: a row gather is a few memory copies, and every session's thread
    /// pool spins after its work, so more pools with the model's thread count would take cores from the decoder's.
    /// </remarks>
    public static T5DeviceBinding Create(ExecutionDevice device, CudaSettings cuda, int layers)
    {
        OrtMemoryInfo? owned = device == ExecutionDevice.Cuda
            ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, cuda.DeviceId, OrtMemType.Default)
            : null;
        var opened = new List<InferenceSession>();
        try
        {
            using SessionOptions options = SessionOptionsFactory.Create(device, intraOpThreads: 1, cuda);
            TensorElementType[] cache = [.. Enumerable.Repeat(TensorElementType.Float, 2 * layers)];
            InferenceSession self = Open(cache, options, opened);
            InferenceSession rows = Open([.. cache, TensorElementType.Float, TensorElementType.Int64], options, opened);
            InferenceSession encoder = Open([TensorElementType.Float, TensorElementType.Int64], options, opened);
            return new T5DeviceBinding(owned ?? OrtMemoryInfo.DefaultInstance, owned, self, rows, encoder);
        }
        catch
        {
            opened.ForEach(session => session.Dispose());
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="session"/> with its outputs bound: output 0 to host memory when <paramref name="firstOutputOnHost"/>,
    /// every other output to <see cref="DeviceMemory"/>.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="binding">A binding of <paramref name="session"/> to reuse (cleared first), or <see langword="null"/> for a new one.</param>
    /// <param name="runOptions">The run options.</param>
    /// <param name="inputNames">The input names.</param>
    /// <param name="inputs">The inputs, in host or device memory (the caller keeps ownership).</param>
    /// <param name="outputNames">The output names.</param>
    /// <param name="deviceMemory">Where the outputs go (all but the first when <paramref name="firstOutputOnHost"/>).</param>
    /// <param name="firstOutputOnHost">Whether output 0 (the logits) comes back to the host.</param>
    /// <returns>The outputs in <paramref name="outputNames"/> order, owned by the caller.</returns>
    public static OrtValue[] Run(
        InferenceSession session, OrtIoBinding? binding, RunOptions runOptions, IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames,
        OrtMemoryInfo deviceMemory, bool firstOutputOnHost)
    {
        OrtIoBinding? created = binding is null ? session.CreateIoBinding() : null;
        try
        {
            return RunBound(session, binding ?? created!, runOptions, inputNames, inputs, outputNames, deviceMemory, firstOutputOnHost);
        }
        finally
        {
            created?.Dispose();
        }
    }

    private static OrtValue[] RunBound(
        InferenceSession session, OrtIoBinding binding, RunOptions runOptions, IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string> outputNames, OrtMemoryInfo deviceMemory, bool firstOutputOnHost)
    {
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
        for (int i = 0; i < inputNames.Count; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }

        for (int i = 0; i < outputNames.Count; i++)
        {
            binding.BindOutputToDevice(outputNames[i], i == 0 && firstOutputOnHost ? OrtMemoryInfo.DefaultInstance : deviceMemory);
        }

        session.RunWithBinding(runOptions, binding);
        if (firstOutputOnHost && !ReferenceEquals(deviceMemory, OrtMemoryInfo.DefaultInstance))
        {
            binding.SynchronizeBoundOutputs(); // the logits are read on the host right away
        }

        IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
        OrtValue[] values = [.. outputs]; // handed over one by one; the collection itself only disposes them
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
        return values;
    }

    /// <summary>Gathers rows (axis 0) of <paramref name="data"/> on the device: output <c>k</c> row <c>r</c> is <c>data[k]</c> row <c>rows[r]</c>.</summary>
    /// <param name="gather">One of the gather sessions, matching <paramref name="data"/>'s types.</param>
    /// <param name="binding">A binding of <paramref name="gather"/> to reuse, or <see langword="null"/>.</param>
    /// <param name="runOptions">The run options.</param>
    /// <param name="data">The tensors (the caller keeps ownership).</param>
    /// <param name="rows">The source row of each output row.</param>
    /// <returns>The gathered tensors in <see cref="DeviceMemory"/>, owned by the caller.</returns>
    public OrtValue[] Gather(InferenceSession gather, OrtIoBinding? binding, RunOptions runOptions, IReadOnlyList<OrtValue> data, ReadOnlySpan<int> rows)
    {
        using OrtValue indices = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, [rows.Length]);
        Span<long> target = indices.GetTensorMutableDataAsSpan<long>();
        for (int r = 0; r < rows.Length; r++)
        {
            target[r] = rows[r];
        }

        string[] inputNames = [GatherGraph.Indices, .. Enumerable.Range(0, data.Count).Select(GatherGraph.Data)];
        string[] outputNames = [.. Enumerable.Range(0, data.Count).Select(GatherGraph.Rows)];
        try
        {
            return Run(gather, binding, runOptions, inputNames, [indices, .. data], outputNames, DeviceMemory, firstOutputOnHost: false);
        }
        catch (OnnxRuntimeException) when (runOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled while moving cache rows.");
        }
        catch (OnnxRuntimeException error)
        {
            throw new ModelLoadException(GatherGraphName, $"ONNX Runtime failed to gather cache rows: {error.Message}", error);
        }
    }

    public void Dispose()
    {
        SelfGather.Dispose();
        RowGather.Dispose();
        EncoderGather.Dispose();
        _ownedMemory?.Dispose();
    }

    private static InferenceSession Open(TensorElementType[] types, SessionOptions options, List<InferenceSession> opened)
    {
        try
        {
            var session = new InferenceSession(GatherGraph.Build(types), options);
            opened.Add(session);
            return session;
        }
        catch (OnnxRuntimeException error)
        {
            throw new ModelLoadException(GatherGraphName, $"ONNX Runtime could not load it: {error.Message}", error);
        }
    }
}

using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// A T5 encoder-decoder in optimum's ONNX layout, loaded into ONNX Runtime sessions and checked against its
/// <c>config.json</c>: the <see cref="IEncoderDecoder"/> the <see cref="Generator"/> drives. Immutable after loading and
/// safe to use from several threads (ONNX Runtime sessions are).
/// </summary>
internal sealed class T5OnnxModel : IEncoderDecoder, IDisposable
{
    private T5OnnxModel(
        T5ModelConfig config, OnnxModelFiles files, InferenceSession encoder, InferenceSession? merged, InferenceSession? decoder, InferenceSession? withPast,
        T5DeviceBinding? binding)
    {
        Binding = binding;
        Config = config;
        Files = files;
        Encoder = encoder;
        MergedDecoder = merged;
        Decoder = decoder;
        DecoderWithPast = withPast;
        Names = new T5OnnxNames(config.DecoderLayerCount, merged is not null);
        DecoderInputAllocator = CreateInputAllocator(merged ?? withPast!);
    }

    public T5ModelConfig Config { get; }

    public OnnxModelFiles Files { get; }

    public InferenceSession Encoder { get; }

    public InferenceSession? MergedDecoder { get; }

    public InferenceSession? Decoder { get; }

    public InferenceSession? DecoderWithPast { get; }

    /// <summary>Gets the graphs' input and output names.</summary>
    public T5OnnxNames Names { get; }

    /// <inheritdoc/>
    public int VocabularySize => Config.VocabularySize;

    /// <summary>
    /// Gets the device binding when the model runs with its tensors kept in the execution device's memory
    /// (<see cref="T5BoundDecoder"/>), or <see langword="null"/> for the host-memory path (<see cref="T5OnnxDecoder"/>).
    /// </summary>
    public T5DeviceBinding? Binding { get; }

    /// <summary>
    /// Gets the allocator for the decoder's input tensors (caches, per-row encoder tensors): the decoder session's CPU
    /// allocator, ONNX Runtime's memory arena by default, so that memory freed by one step or call is reused by the next
    /// instead of being returned to the system and faulted in again (for 8 texts × 10 beams the per-row cross-attention
    /// tensors alone can reach 1.5 GB). The arena keeps its peak size, as it does for ONNX Runtime's own outputs.
    /// </summary>
    public OrtAllocator DecoderInputAllocator { get; }

    /// <summary>Loads and validates the sessions.</summary>
    /// <param name="config">The model's configuration.</param>
    /// <param name="files">The ONNX files.</param>
    /// <param name="options">Session options (the caller keeps ownership).</param>
    /// <param name="bindTo">Keep the tensors between runs in this device's memory with I/O binding (the device
    /// <paramref name="options"/> were made for), or <see langword="null"/> for the host-memory path.</param>
    /// <param name="cuda">The CUDA provider's settings, with <paramref name="bindTo"/> = <see cref="ExecutionDevice.Cuda"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelLoadException">A graph cannot be loaded or does not have the expected inputs and outputs.</exception>
    public static T5OnnxModel Load(T5ModelConfig config, OnnxModelFiles files, SessionOptions options, ExecutionDevice? bindTo = null, CudaSettings? cuda = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(files);
        var opened = new List<InferenceSession>();
        T5OnnxModel? model = null;
        T5DeviceBinding? binding = null;
        try
        {
            InferenceSession encoder = Open(files.Encoder, options, opened);
            InferenceSession? merged = files.MergedDecoder is null ? null : Open(files.MergedDecoder, options, opened);
            InferenceSession? decoder = files.Decoder is null ? null : Open(files.Decoder, options, opened);
            InferenceSession? withPast = files.DecoderWithPast is null ? null : Open(files.DecoderWithPast, options, opened);

            // The layer count sizes the lists of names the model builds: compare it with the graph's first.
            RequireLayerCount(merged ?? withPast!, files.MergedDecoder ?? files.DecoderWithPast!, config.DecoderLayerCount);
            binding = bindTo is ExecutionDevice device ? T5DeviceBinding.Create(device, cuda ?? new CudaSettings(), config.DecoderLayerCount) : null;
            model = new T5OnnxModel(config, files, encoder, merged, decoder, withPast, binding);
            model.Validate();
            return model;
        }
        catch
        {
            if (model is not null)
            {
                model.Dispose();
            }
            else
            {
                binding?.Dispose();
                foreach (InferenceSession session in opened)
                {
                    session.Dispose();
                }
            }

            throw;
        }
    }

    /// <inheritdoc/>
    IEncodedBatch IEncoderDecoder.Encode(PaddedBatch batch, IGenerationObserver? observer, CancellationToken cancellationToken) =>
        Encode(batch, observer, cancellationToken);

    /// <summary>Runs the encoder on a right-padded batch.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="observer">Told the time spent inside the runs of this batch, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Terminates the runs of this batch (the encoder's and its decoders').</param>
    /// <returns>The encoder output, owned by the caller; it owns the batch's run options.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while encoding (the exception does not carry it).</exception>
    public T5EncoderOutput Encode(PaddedBatch batch, IGenerationObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var runOptions = new RunOptions();
        CancellationTokenRegistration registration = default;
        try
        {
            registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            OrtValue hidden = RunEncoder(batch, runOptions, observer);
            return new T5EncoderOutput(this, hidden, batch.AttentionMask, batch.ItemCount, batch.Length, runOptions, registration, observer);
        }
        catch
        {
            registration.Dispose();
            runOptions.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!ReferenceEquals(DecoderInputAllocator, OrtAllocator.DefaultInstance))
        {
            DecoderInputAllocator.Dispose();
        }

        Binding?.Dispose();
        Encoder.Dispose();
        MergedDecoder?.Dispose();
        Decoder?.Dispose();
        DecoderWithPast?.Dispose();
    }

    private OrtValue RunEncoder(PaddedBatch batch, RunOptions runOptions, IGenerationObserver? observer)
    {
        long[] shape = [batch.ItemCount, batch.Length];
        using OrtValue ids = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, shape);
        batch.InputIds.CopyTo(ids.GetTensorMutableDataAsSpan<long>());
        using OrtValue mask = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, shape);
        batch.AttentionMask.CopyTo(mask.GetTensorMutableDataAsSpan<long>());
        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            if (Binding is not null)
            {
                return T5DeviceBinding.Run(Encoder, binding: null, runOptions, T5OnnxNames.EncoderInputs, [ids, mask], T5OnnxNames.EncoderOutputs, Binding.DeviceMemory, firstOutputOnHost: false)[0];
            }

            // The collection only disposes its values; the single output is handed over to the caller instead.
            return Encoder.Run(runOptions, T5OnnxNames.EncoderInputs, [ids, mask], T5OnnxNames.EncoderOutputs)[0];
        }
        catch (OnnxRuntimeException) when (runOptions.Terminate)
        {
            throw new OperationCanceledException("Generation was cancelled while encoding.");
        }
        catch (OnnxRuntimeException error)
        {
            throw RunFailure(Encoder, error);
        }
        finally
        {
            observer?.EncoderRan(Stopwatch.GetTimestamp() - start);
        }
    }

    private static OrtAllocator CreateInputAllocator(InferenceSession session)
    {
        try
        {
            return new OrtAllocator(session, OrtMemoryInfo.DefaultInstance);
        }
        catch (OnnxRuntimeException)
        {
            return OrtAllocator.DefaultInstance; // no CPU allocator registered with the session: plain allocations
        }
    }

    private static InferenceSession Open(string path, SessionOptions options, List<InferenceSession> opened)
    {
        try
        {
            var session = new InferenceSession(path, options);
            opened.Add(session);
            return session;
        }
        catch (OnnxRuntimeException error)
        {
            throw new ModelLoadException(path, $"ONNX Runtime could not load this graph: {OneLine(error.Message)}", error);
        }
    }

    private void Validate()
    {
        RequireInputs(Encoder, Files.Encoder, [(T5OnnxNames.InputIds, TensorElementType.Int64, 2), (T5OnnxNames.AttentionMask, TensorElementType.Int64, 2)]);
        RequireOutput(Encoder, Files.Encoder, T5OnnxNames.LastHiddenState, TensorElementType.Float, 3, lastDimension: Config.ModelDimension, "d_model");

        (string, TensorElementType, int)[] common =
        [
            (T5OnnxNames.EncoderAttentionMask, TensorElementType.Int64, 2),
            (T5OnnxNames.DecoderInputIds, TensorElementType.Int64, 2),
            (T5OnnxNames.EncoderHiddenStates, TensorElementType.Float, 3),
        ];
        (string, TensorElementType, int)[] past = [.. Names.SelfAttentionPast.Concat(Names.CrossAttentionPast).Select(name => (name, TensorElementType.Float, 4))];
        if (MergedDecoder is not null)
        {
            string path = Files.MergedDecoder!;
            RequireInputs(MergedDecoder, path, [.. common, .. past, (T5OnnxNames.UseCacheBranch, TensorElementType.Bool, 1)]);
            RequireDecoderOutputs(MergedDecoder, path, withCrossAttentionPresents: true);
            RequireHeads(MergedDecoder, path);
        }
        else
        {
            RequireInputs(Decoder!, Files.Decoder!, common);
            RequireDecoderOutputs(Decoder!, Files.Decoder!, withCrossAttentionPresents: true);
            RequireInputs(DecoderWithPast!, Files.DecoderWithPast!, [.. common, .. past]);
            RequireDecoderOutputs(DecoderWithPast!, Files.DecoderWithPast!, withCrossAttentionPresents: false);
            RequireHeads(Decoder!, Files.Decoder!);
            RequireHeads(DecoderWithPast!, Files.DecoderWithPast!);
        }
    }

    /// <summary>
    /// Checks the head axis (dimension 1) of every key/value input and output whose size the graph fixes against
    /// <c>num_heads</c>: the decoder builds its cache tensors with that many heads, and a mismatch would only show at the
    /// first decoding step.
    /// </summary>
    private void RequireHeads(InferenceSession session, string path)
    {
        foreach ((string name, NodeMetadata meta) in session.InputMetadata.Concat(session.OutputMetadata))
        {
            bool keyValue = name.StartsWith(T5OnnxNames.PastPrefix, StringComparison.Ordinal) || name.StartsWith(T5OnnxNames.PresentPrefix, StringComparison.Ordinal);
            if (keyValue && meta.Dimensions.Length == 4 && meta.Dimensions[1] > 0 && meta.Dimensions[1] != Config.HeadCount)
            {
                throw new ModelLoadException(path,
                    $"\"{name}\" has {meta.Dimensions[1]} attention heads (dimension 1 of [{string.Join(", ", meta.Dimensions)}]), but config.json says num_heads = {Config.HeadCount}.");
            }
        }
    }

    /// <summary>Returns the file a session was loaded from.</summary>
    public string PathOf(InferenceSession session) =>
        ReferenceEquals(session, Encoder) ? Files.Encoder
        : ReferenceEquals(session, MergedDecoder) ? Files.MergedDecoder!
        : ReferenceEquals(session, Decoder) ? Files.Decoder!
        : Files.DecoderWithPast!;

    /// <summary>
    /// Turns an ONNX Runtime failure while running <paramref name="session"/> into a <see cref="ModelLoadException"/>
    /// naming the graph's file, with ONNX Runtime's whole message on one line (its later lines say which node failed).
    /// </summary>
    public ModelLoadException RunFailure(InferenceSession session, OnnxRuntimeException error)
    {
        return new ModelLoadException(PathOf(session), $"ONNX Runtime failed to run this graph: {OneLine(error.Message)}", error);
    }

    /// <summary>Joins a multi-line ONNX Runtime message into one line, so that tools that show first lines keep all of it.</summary>
    private static string OneLine(string message) =>
        string.Join(" | ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void RequireLayerCount(InferenceSession session, string path, int layers)
    {
        int found = session.InputMetadata.Keys.Count(name => name.StartsWith(T5OnnxNames.PastPrefix, StringComparison.Ordinal) && name.EndsWith(".decoder.key", StringComparison.Ordinal));
        if (found != layers)
        {
            throw new ModelLoadException(path, $"has past_key_values.* inputs for {found} decoder layers, but config.json says num_decoder_layers = {layers}.");
        }
    }

    private void RequireDecoderOutputs(InferenceSession session, string path, bool withCrossAttentionPresents)
    {
        RequireOutput(session, path, T5OnnxNames.Logits, TensorElementType.Float, 3, Config.VocabularySize, "vocab_size");
        IEnumerable<string> presents = withCrossAttentionPresents ? Names.SelfAttentionPresent.Concat(Names.CrossAttentionPresent) : Names.SelfAttentionPresent;
        foreach (string name in presents)
        {
            RequireOutput(session, path, name, TensorElementType.Float, 4, Config.HeadDimension, "d_kv");
        }
    }

    private static void RequireInputs(InferenceSession session, string path, (string Name, TensorElementType Type, int Rank)[] inputs)
    {
        foreach ((string name, TensorElementType type, int rank) in inputs)
        {
            if (!session.InputMetadata.TryGetValue(name, out NodeMetadata? meta))
            {
                throw new ModelLoadException(path, $"has no input \"{name}\" (its inputs are: {Describe(session.InputNames)}). Is this an optimum T5 export of the expected kind?");
            }

            if (meta.ElementDataType != type || meta.Dimensions.Length != rank)
            {
                throw new ModelLoadException(path, $"input \"{name}\" is {meta.ElementDataType} of rank {meta.Dimensions.Length}; expected {type} of rank {rank}.");
            }
        }
    }

    private static void RequireOutput(InferenceSession session, string path, string name, TensorElementType type, int rank, int lastDimension, string configField)
    {
        if (!session.OutputMetadata.TryGetValue(name, out NodeMetadata? meta))
        {
            throw new ModelLoadException(path, $"has no output \"{name}\" (its outputs are: {Describe(session.OutputNames)}).");
        }

        if (meta.ElementDataType != type || meta.Dimensions.Length != rank)
        {
            throw new ModelLoadException(path, $"output \"{name}\" is {meta.ElementDataType} of rank {meta.Dimensions.Length}; expected {type} of rank {rank}.");
        }

        int last = meta.Dimensions[^1];
        if (last > 0 && last != lastDimension)
        {
            throw new ModelLoadException(path, $"output \"{name}\" has last dimension {last}, but config.json says {configField} = {lastDimension}.");
        }
    }

    private static string Describe(IReadOnlyList<string> names)
        => names.Count <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $", … ({names.Count} in all)";
}

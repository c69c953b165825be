using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// A T5 encoder-decoder in optimum's ONNX layout, loaded into ONNX Runtime sessions and checked against its
/// <c>config.json</c>. Immutable after loading and safe to use from several threads (ONNX Runtime sessions are).
/// </summary>
internal sealed class T5OnnxModel : IDisposable
{
    private T5OnnxModel(T5ModelConfig config, OnnxModelFiles files, InferenceSession encoder, InferenceSession? merged, InferenceSession? decoder, InferenceSession? withPast)
    {
        Config = config;
        Files = files;
        Encoder = encoder;
        MergedDecoder = merged;
        Decoder = decoder;
        DecoderWithPast = withPast;
        DecoderInputAllocator = CreateInputAllocator(merged ?? withPast!);
    }

    public T5ModelConfig Config { get; }

    public OnnxModelFiles Files { get; }

    public InferenceSession Encoder { get; }

    public InferenceSession? MergedDecoder { get; }

    public InferenceSession? Decoder { get; }

    public InferenceSession? DecoderWithPast { get; }

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
    /// <returns>The model.</returns>
    /// <exception cref="ModelLoadException">A graph cannot be loaded or does not have the expected inputs and outputs.</exception>
    public static T5OnnxModel Load(T5ModelConfig config, OnnxModelFiles files, SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(files);
        var opened = new List<InferenceSession>();
        T5OnnxModel? model = null;
        try
        {
            InferenceSession encoder = Open(files.Encoder, options, opened);
            InferenceSession? merged = files.MergedDecoder is null ? null : Open(files.MergedDecoder, options, opened);
            InferenceSession? decoder = files.Decoder is null ? null : Open(files.Decoder, options, opened);
            InferenceSession? withPast = files.DecoderWithPast is null ? null : Open(files.DecoderWithPast, options, opened);
            model = new T5OnnxModel(config, files, encoder, merged, decoder, withPast);
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
                foreach (InferenceSession session in opened)
                {
                    session.Dispose();
                }
            }

            throw;
        }
    }

    /// <summary>Runs the encoder on a right-padded batch.</summary>
    /// <param name="inputIds">items × length token ids.</param>
    /// <param name="attentionMask">items × length mask (1 = token, 0 = padding).</param>
    /// <param name="itemCount">Number of items.</param>
    /// <param name="length">Padded length.</param>
    /// <param name="runOptions">Run options (for cancellation).</param>
    /// <returns>The encoder output, owned by the caller.</returns>
    public T5EncoderOutput Encode(ReadOnlySpan<long> inputIds, long[] attentionMask, int itemCount, int length, RunOptions runOptions)
    {
        long[] shape = [itemCount, length];
        using OrtValue ids = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, shape);
        inputIds.CopyTo(ids.GetTensorMutableDataAsSpan<long>());
        using OrtValue mask = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, shape);
        attentionMask.AsSpan(0, itemCount * length).CopyTo(mask.GetTensorMutableDataAsSpan<long>());
        // The collection only disposes its values; the single output is handed over to the caller instead.
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = Encoder.Run(runOptions, EncoderInputNames, [ids, mask], EncoderOutputNames);
        }
        catch (OnnxRuntimeException error) when (!runOptions.Terminate)
        {
            throw RunFailure(Encoder, error);
        }

        return new T5EncoderOutput(outputs[0], attentionMask, itemCount, length);
    }

    public void Dispose()
    {
        if (!ReferenceEquals(DecoderInputAllocator, OrtAllocator.DefaultInstance))
        {
            DecoderInputAllocator.Dispose();
        }

        Encoder.Dispose();
        MergedDecoder?.Dispose();
        Decoder?.Dispose();
        DecoderWithPast?.Dispose();
    }

    internal static readonly string[] EncoderInputNames = ["input_ids", "attention_mask"];
    internal static readonly string[] EncoderOutputNames = ["last_hidden_state"];

    internal static string PastName(int layer, string part, string kind) => string.Create(CultureInfo.InvariantCulture, $"past_key_values.{layer}.{part}.{kind}");

    internal static string PresentName(int layer, string part, string kind) => string.Create(CultureInfo.InvariantCulture, $"present.{layer}.{part}.{kind}");

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
        // The layer count sizes the lists of names below: compare it with the graph's first.
        int layers = Config.DecoderLayerCount;
        RequireLayerCount(MergedDecoder ?? DecoderWithPast!, Files.MergedDecoder ?? Files.DecoderWithPast!, layers);
        RequireInputs(Encoder, Files.Encoder, ("input_ids", TensorElementType.Int64, 2), ("attention_mask", TensorElementType.Int64, 2));
        RequireOutput(Encoder, Files.Encoder, "last_hidden_state", TensorElementType.Float, 3, lastDimension: Config.ModelDimension, "d_model");

        var common = new List<(string, TensorElementType, int)>
        {
            ("encoder_attention_mask", TensorElementType.Int64, 2),
            ("input_ids", TensorElementType.Int64, 2),
            ("encoder_hidden_states", TensorElementType.Float, 3),
        };
        var past = new List<(string, TensorElementType, int)>();
        for (int i = 0; i < layers; i++)
        {
            foreach (string part in new[] { "decoder", "encoder" })
            {
                foreach (string kind in new[] { "key", "value" })
                {
                    past.Add((PastName(i, part, kind), TensorElementType.Float, 4));
                }
            }
        }

        if (MergedDecoder is not null)
        {
            string path = Files.MergedDecoder!;
            RequireInputs(MergedDecoder, path, [.. common, .. past, ("use_cache_branch", TensorElementType.Bool, 1)]);
            RequireDecoderOutputs(MergedDecoder, path, layers, withEncoderPresents: true);
            RequireHeads(MergedDecoder, path);
        }
        else
        {
            RequireInputs(Decoder!, Files.Decoder!, [.. common]);
            RequireDecoderOutputs(Decoder!, Files.Decoder!, layers, withEncoderPresents: true);
            RequireInputs(DecoderWithPast!, Files.DecoderWithPast!, [.. common, .. past]);
            RequireDecoderOutputs(DecoderWithPast!, Files.DecoderWithPast!, layers, withEncoderPresents: false);
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
            bool keyValue = name.StartsWith("past_key_values.", StringComparison.Ordinal) || name.StartsWith("present.", StringComparison.Ordinal);
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
        int found = session.InputMetadata.Keys.Count(name => name.StartsWith("past_key_values.", StringComparison.Ordinal) && name.EndsWith(".decoder.key", StringComparison.Ordinal));
        if (found != layers)
        {
            throw new ModelLoadException(path, $"has past_key_values.* inputs for {found} decoder layers, but config.json says num_decoder_layers = {layers}.");
        }
    }

    private void RequireDecoderOutputs(InferenceSession session, string path, int layers, bool withEncoderPresents)
    {
        RequireOutput(session, path, "logits", TensorElementType.Float, 3, Config.VocabularySize, "vocab_size");
        for (int i = 0; i < layers; i++)
        {
            foreach (string kind in new[] { "key", "value" })
            {
                RequireOutput(session, path, PresentName(i, "decoder", kind), TensorElementType.Float, 4, Config.HeadDimension, "d_kv");
                if (withEncoderPresents)
                {
                    RequireOutput(session, path, PresentName(i, "encoder", kind), TensorElementType.Float, 4, Config.HeadDimension, "d_kv");
                }
            }
        }
    }

    private static void RequireInputs(InferenceSession session, string path, params (string Name, TensorElementType Type, int Rank)[] inputs)
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

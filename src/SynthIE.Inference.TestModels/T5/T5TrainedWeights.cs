using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Trained T5 v1.1 weights in the compact file <c>models/demo/train.py</c> writes (documented in models/README.md):
/// the 8 bytes <c>SYNTHIEW</c>, a little-endian uint32 header length, a JSON header (format, version, config, tensors
/// with name, dtype and shape, in file order), then the tensors, little-endian, float16 or int32, one after another.
/// Linear weights are stored as PyTorch holds them ([out, in]); the embedding and lm_head keep only the rows of the ids
/// the model uses (<c>shared.ids</c>/<c>shared.rows</c>, <c>lm_head.ids</c>/<c>lm_head.rows</c>): other ids embed as
/// the row of <c>unknown_input_id</c> and get a zero lm_head row, i.e. the logit 0 the model was trained against.
/// <see cref="T5TestModel.Write(string, T5TrainedWeights, bool)"/> writes them as an optimum-layout ONNX model.
/// </summary>
public sealed class T5TrainedWeights : IT5WeightSource
{
    /// <summary>The first 8 bytes of a weights file.</summary>
    public static readonly byte[] Magic = "SYNTHIEW"u8.ToArray();

    private const int SupportedVersion = 1;

    private readonly Dictionary<string, (long[] Shape, float[]? Floats, int[]? Ints)> _tensors;
    private readonly int _unknownInputId;
    private readonly string _source;

    private T5TrainedWeights(T5TestModelOptions options, Dictionary<string, (long[] Shape, float[]? Floats, int[]? Ints)> tensors, int unknownInputId, string source)
    {
        Options = options;
        _tensors = tensors;
        _unknownInputId = unknownInputId;
        _source = source;
    }

    /// <summary>Gets the model's shape (from the file's config).</summary>
    public T5TestModelOptions Options { get; }

    /// <summary>Gets the number of values stored in the file (the trained parameters; embedding and lm_head rows only for the ids kept).</summary>
    public long StoredParameterCount => _tensors.Values.Where(t => t.Floats is not null).Sum(t => (long)t.Floats!.Length);

    /// <summary>Gets the ids whose lm_head rows were trained (every other id has a zero row).</summary>
    public IReadOnlyList<int> OutputIds => Ints("lm_head.ids");

    /// <inheritdoc/>
    string IT5WeightSource.Description => $"SynthIE.Inference.TestModels from trained weights ({_source})";

    /// <summary>Reads a weights file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="InvalidDataException">The file is not a weights file this version reads.</exception>
    public static T5TrainedWeights Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        return Load(stream, Path.GetFileName(path));
    }

    /// <summary>Reads weights from a stream.</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="source">A name for messages and config.json.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="InvalidDataException">The data is not a weights file this version reads.</exception>
    public static T5TrainedWeights Load(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        ReadOnlySpan<byte> data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (data.Length < 12 || !data[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{source}: not a trained-weights file (it does not start with SYNTHIEW).");
        }

        int headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(data[8..12]));
        if (12L + headerLength > data.Length)
        {
            throw new InvalidDataException($"{source}: the header ({headerLength} bytes) runs past the end of the file.");
        }

        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(data.Slice(12, headerLength)));
        JsonElement root = header.RootElement;
        int version = root.GetProperty("version").GetInt32();
        if (version != SupportedVersion)
        {
            throw new InvalidDataException($"{source}: version {version}; this reader knows version {SupportedVersion}.");
        }

        JsonElement c = root.GetProperty("config");
        var options = new T5TestModelOptions
        {
            Seed = 0,
            DModel = c.GetProperty("d_model").GetInt32(),
            DKv = c.GetProperty("d_kv").GetInt32(),
            NumHeads = c.GetProperty("num_heads").GetInt32(),
            DFf = c.GetProperty("d_ff").GetInt32(),
            NumLayers = c.GetProperty("num_layers").GetInt32(),
            NumDecoderLayers = c.GetProperty("num_decoder_layers").GetInt32(),
            VocabSize = c.GetProperty("vocab_size").GetInt32(),
            RelativeAttentionNumBuckets = c.GetProperty("relative_attention_num_buckets").GetInt32(),
            RelativeAttentionMaxDistance = c.GetProperty("relative_attention_max_distance").GetInt32(),
            LayerNormEpsilon = c.GetProperty("layer_norm_epsilon").GetSingle(),
            FeedForwardProj = c.GetProperty("feed_forward_proj").GetString() ?? string.Empty,
        };
        options.Validate();

        var tensors = new Dictionary<string, (long[], float[]?, int[]?)>(StringComparer.Ordinal);
        int offset = 12 + headerLength;
        foreach (JsonElement t in root.GetProperty("tensors").EnumerateArray())
        {
            string name = t.GetProperty("name").GetString()!;
            string dtype = t.GetProperty("dtype").GetString()!;
            long[] shape = [.. t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            int count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
            int size = dtype switch
            {
                "float16" => 2,
                "int32" => 4,
                _ => throw new InvalidDataException($"{source}: tensor {name} has dtype {dtype}; expected float16 or int32."),
            };
            if (offset + ((long)count * size) > data.Length)
            {
                throw new InvalidDataException($"{source}: tensor {name} runs past the end of the file.");
            }

            ReadOnlySpan<byte> bytes = data.Slice(offset, count * size);
            if (size == 2)
            {
                var floats = new float[count];
                for (int i = 0; i < count; i++)
                {
                    floats[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
                }

                tensors.Add(name, (shape, floats, null));
            }
            else
            {
                var ints = new int[count];
                for (int i = 0; i < count; i++)
                {
                    ints[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4));
                }

                tensors.Add(name, (shape, null, ints));
            }

            offset += count * size;
        }

        if (offset != data.Length)
        {
            throw new InvalidDataException($"{source}: {data.Length - offset} bytes after the last tensor.");
        }

        var weights = new T5TrainedWeights(options, tensors, c.GetProperty("unknown_input_id").GetInt32(), source);
        weights.CheckComplete();
        return weights;
    }

    /// <inheritdoc/>
    void IT5WeightSource.AddEncoderWeights(OnnxGraphBuilder graph)
    {
        graph.AddInitializer(BucketTable(bidirectional: true));
        foreach (string name in EncoderNames())
        {
            graph.AddInitializer(Tensor(name));
        }
    }

    /// <inheritdoc/>
    void IT5WeightSource.AddDecoderWeights(OnnxGraphBuilder graph, bool crossKeyValue)
    {
        graph.AddInitializer(BucketTable(bidirectional: false));
        foreach (string name in DecoderNames(crossKeyValue))
        {
            graph.AddInitializer(Tensor(name));
        }
    }

    /// <summary>
    /// Gets one weight as the graphs hold it (<see cref="T5WeightNames"/>): the full [vocab, d_model] embedding, the
    /// full [d_model, vocab] lm_head, linear weights as [in, out], norms and relative position biases as stored.
    /// </summary>
    /// <param name="name">The Hugging Face parameter name, e.g. <c>encoder.block.0.layer.0.SelfAttention.q.weight</c>.</param>
    /// <returns>The values, row-major.</returns>
    public float[] Values(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int m = Options.DModel, v = Options.VocabSize;
        if (name == T5WeightNames.SharedEmbedding)
        {
            int[] ids = Ints("shared.ids");
            float[] rows = Floats("shared.rows");
            int unknown = Array.IndexOf(ids, _unknownInputId);
            var table = new float[(long)v * m];
            for (int id = 0; id < v; id++)
            {
                rows.AsSpan(unknown * m, m).CopyTo(table.AsSpan(id * m, m));
            }

            for (int i = 0; i < ids.Length; i++)
            {
                rows.AsSpan(i * m, m).CopyTo(table.AsSpan(ids[i] * m, m));
            }

            return table;
        }

        if (name == T5WeightNames.LmHead)
        {
            int[] ids = Ints("lm_head.ids");
            float[] rows = Floats("lm_head.rows");
            var head = new float[(long)m * v];
            for (int i = 0; i < ids.Length; i++)
            {
                for (int k = 0; k < m; k++)
                {
                    head[(k * v) + ids[i]] = rows[(i * m) + k];
                }
            }

            return head;
        }

        if (!_tensors.TryGetValue(name, out var tensor) || tensor.Floats is null)
        {
            throw new KeyNotFoundException($"{_source} has no float tensor named '{name}'.");
        }

        if (tensor.Shape.Length != 2 || name.Contains("relative_attention_bias", StringComparison.Ordinal))
        {
            return (float[])tensor.Floats.Clone();
        }

        // PyTorch's [out, in] → the graphs' [in, out].
        int rowsOut = (int)tensor.Shape[0], columnsIn = (int)tensor.Shape[1];
        var transposed = new float[tensor.Floats.Length];
        for (int o = 0; o < rowsOut; o++)
        {
            for (int i = 0; i < columnsIn; i++)
            {
                transposed[(i * rowsOut) + o] = tensor.Floats[(o * columnsIn) + i];
            }
        }

        return transposed;
    }

    private IEnumerable<string> EncoderNames()
    {
        yield return T5WeightNames.SharedEmbedding;
        foreach (string name in StackNames("encoder", Options.NumLayers, decoder: false, crossKeyValue: false))
        {
            yield return name;
        }
    }

    private IEnumerable<string> DecoderNames(bool crossKeyValue)
    {
        yield return T5WeightNames.SharedEmbedding;
        foreach (string name in StackNames("decoder", Options.NumDecoderLayers, decoder: true, crossKeyValue))
        {
            yield return name;
        }

        yield return T5WeightNames.LmHead;
    }

    private static IEnumerable<string> StackNames(string stack, int layers, bool decoder, bool crossKeyValue)
    {
        yield return T5WeightNames.RelativeAttentionBias(stack);
        for (int block = 0; block < layers; block++)
        {
            foreach (bool cross in decoder ? new[] { false, true } : [false])
            {
                foreach (string projection in new[] { "q", "k", "v", "o" })
                {
                    if (cross && !crossKeyValue && projection is "k" or "v")
                    {
                        continue;
                    }

                    yield return T5WeightNames.Attention(stack, block, cross, projection);
                }
            }

            foreach (string projection in new[] { "wi_0", "wi_1", "wo" })
            {
                yield return T5WeightNames.FeedForward(stack, block, projection);
            }

            for (int sub = 0; sub < (decoder ? 3 : 2); sub++)
            {
                yield return T5WeightNames.LayerNorm(stack, block, sub);
            }
        }

        yield return T5WeightNames.FinalLayerNorm(stack);
    }

    private OnnxTensor Tensor(string name)
    {
        int m = Options.DModel, v = Options.VocabSize;
        long[] dims = name switch
        {
            T5WeightNames.SharedEmbedding => [v, m],
            T5WeightNames.LmHead => [m, v],
            _ when _tensors[name].Shape.Length == 2 && !name.Contains("relative_attention_bias", StringComparison.Ordinal)
                => [_tensors[name].Shape[1], _tensors[name].Shape[0]],
            _ => _tensors[name].Shape,
        };
        return OnnxTensor.FromFloatGenerator(name, destination => Values(name).CopyTo(destination), dims);
    }

    private OnnxTensor BucketTable(bool bidirectional) => OnnxTensor.FromInt64s(
        bidirectional ? T5WeightNames.EncoderBucketTable : T5WeightNames.DecoderBucketTable,
        T5RelativePositionBuckets.Table(bidirectional, Options.RelativeAttentionNumBuckets, Options.RelativeAttentionMaxDistance),
        (2 * Options.RelativeAttentionMaxDistance) + 1);

    private int[] Ints(string name) => _tensors.TryGetValue(name, out var t) && t.Ints is not null
        ? t.Ints
        : throw new InvalidDataException($"{_source} has no int32 tensor named '{name}'.");

    private float[] Floats(string name) => _tensors.TryGetValue(name, out var t) && t.Floats is not null
        ? t.Floats
        : throw new InvalidDataException($"{_source} has no float16 tensor named '{name}'.");

    /// <summary>Checks that every tensor the graphs need is there with the expected shape.</summary>
    private void CheckComplete()
    {
        int m = Options.DModel, inner = Options.NumHeads * Options.DKv, ff = Options.DFf;
        int[] inputIds = Ints("shared.ids"), outputIds = Ints("lm_head.ids");
        Expect("shared.rows", inputIds.Length, m);
        Expect("lm_head.rows", outputIds.Length, m);
        if (Array.IndexOf(inputIds, _unknownInputId) < 0)
        {
            throw new InvalidDataException($"{_source}: shared.ids lacks the unknown-input id {_unknownInputId}.");
        }

        if (inputIds.Concat(outputIds).Any(id => id < 0 || id >= Options.VocabSize))
        {
            throw new InvalidDataException($"{_source}: an id in shared.ids or lm_head.ids is outside 0..{Options.VocabSize - 1}.");
        }

        foreach (string name in EncoderNames().Concat(DecoderNames(crossKeyValue: true)).Distinct())
        {
            if (name is T5WeightNames.SharedEmbedding or T5WeightNames.LmHead)
            {
                continue;
            }

            if (name.Contains("relative_attention_bias", StringComparison.Ordinal))
            {
                Expect(name, Options.RelativeAttentionNumBuckets, Options.NumHeads);
            }
            else if (name.EndsWith("layer_norm.weight", StringComparison.Ordinal))
            {
                Expect(name, m);
            }
            else if (name.EndsWith(".o.weight", StringComparison.Ordinal))
            {
                Expect(name, m, inner);
            }
            else if (name.EndsWith(".wo.weight", StringComparison.Ordinal))
            {
                Expect(name, m, ff);
            }
            else if (name.Contains("DenseReluDense", StringComparison.Ordinal))
            {
                Expect(name, ff, m);
            }
            else
            {
                Expect(name, inner, m);
            }
        }
    }

    private void Expect(string name, params long[] shape)
    {
        if (!_tensors.TryGetValue(name, out var t))
        {
            throw new InvalidDataException($"{_source}: tensor {name} is missing.");
        }

        if (!t.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{_source}: tensor {name} has shape [{string.Join(", ", t.Shape)}]; expected [{string.Join(", ", shape)}]."));
        }
    }
}

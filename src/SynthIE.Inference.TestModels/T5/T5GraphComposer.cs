using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Adds T5 v1.1 computations to a graph whose weights (<see cref="T5WeightNames"/>) are visible to it (its own
/// initializers, or the parent graph's for an <c>If</c> branch). Follows Hugging Face <c>modeling_t5</c>: pre-norm
/// residual blocks with RMS norm, unscaled dot-product attention plus relative position bias and additive masks
/// (<see cref="float.MinValue"/> like <c>torch.finfo(float32).min</c>), gated-GELU (tanh form) feed-forward, untied lm_head.
/// </summary>
internal sealed class T5GraphComposer
{
    private readonly OnnxGraphBuilder _g;
    private readonly T5TestModelOptions _o;
    private readonly Dictionary<string, string> _constants = [];

    public T5GraphComposer(OnnxGraphBuilder graph, T5TestModelOptions options)
    {
        _g = graph;
        _o = options;
    }

    /// <summary>Encoder: <c>input_ids</c>, <c>attention_mask</c> → final-normed hidden states written to <paramref name="output"/>.</summary>
    public void Encoder(string inputIds, string attentionMask, string output)
    {
        const string Stack = "encoder";
        string x = _g.Op("Gather", [T5WeightNames.SharedEmbedding, inputIds], OnnxAttributeValue.Int("axis", 0));
        string positions = _g.Op("Range", I64Scalar(0), Dim(inputIds, 1), I64Scalar(1));
        string bias = _g.Op("Add",
            RelativePositionBias(positions, positions, T5WeightNames.EncoderBucketTable, T5WeightNames.RelativeAttentionBias(Stack)),
            MaskBias(attentionMask));
        for (int block = 0; block < _o.NumLayers; block++)
        {
            string h = RmsNorm(x, T5WeightNames.LayerNorm(Stack, block, 0));
            string q = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "q")));
            string k = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "k")));
            string v = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "v")));
            x = _g.Op("Add", x, Linear(Attention(q, k, v, bias), T5WeightNames.Attention(Stack, block, false, "o")));
            h = RmsNorm(x, T5WeightNames.LayerNorm(Stack, block, 1));
            x = _g.Op("Add", x, FeedForward(h, Stack, block));
        }

        _g.OpInto("Identity", [RmsNorm(x, T5WeightNames.FinalLayerNorm(Stack))], [output]);
    }

    /// <summary>
    /// Decoder over <c>input_ids</c> [batch, n] at positions past..past+n−1, with (<paramref name="withPast"/>) or without
    /// a KV cache. Writes the logits and the present KVs (with <paramref name="writeEncoderPresents"/>, also the
    /// cross-attention KVs computed from <c>encoder_hidden_states</c>) under the names <paramref name="outputName"/> gives.
    /// </summary>
    public void Decoder(bool withPast, bool writeEncoderPresents, Func<string, string> outputName)
    {
        const string Stack = "decoder";
        string x = _g.Op("Gather", [T5WeightNames.SharedEmbedding, T5TensorNames.InputIds], OnnxAttributeValue.Int("axis", 0));
        string pastLength = withPast ? Dim(T5TensorNames.PastKey(0, "decoder"), 2) : I64Scalar(0);
        string totalLength = _g.Op("Add", pastLength, Dim(T5TensorNames.InputIds, 1));
        string queryPositions = _g.Op("Range", pastLength, totalLength, I64Scalar(1));
        string keyPositions = _g.Op("Range", I64Scalar(0), totalLength, I64Scalar(1));

        // Causal mask: keys after the query get float.MinValue (HF: (1 - causal) * finfo.min added to the position bias).
        string future = _g.Op("Greater", Unsqueeze(keyPositions, 0), Unsqueeze(queryPositions, 1));
        string causal = _g.Op("Where", future, F32Scalar(float.MinValue), F32Scalar(0f));
        string selfBias = _g.Op("Add",
            RelativePositionBias(queryPositions, keyPositions, T5WeightNames.DecoderBucketTable, T5WeightNames.RelativeAttentionBias(Stack)),
            causal);

        // Cross-attention has no position bias (zeros), only the encoder padding mask.
        string crossBias = MaskBias(T5TensorNames.EncoderAttentionMask);

        for (int block = 0; block < _o.NumDecoderLayers; block++)
        {
            string h = RmsNorm(x, T5WeightNames.LayerNorm(Stack, block, 0));
            string q = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "q")));
            string k = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "k")));
            string v = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, false, "v")));
            if (withPast)
            {
                k = _g.Op("Concat", [T5TensorNames.PastKey(block, "decoder"), k], OnnxAttributeValue.Int("axis", 2));
                v = _g.Op("Concat", [T5TensorNames.PastValue(block, "decoder"), v], OnnxAttributeValue.Int("axis", 2));
            }

            _g.OpInto("Identity", [k], [outputName(T5TensorNames.PresentKey(block, "decoder"))]);
            _g.OpInto("Identity", [v], [outputName(T5TensorNames.PresentValue(block, "decoder"))]);
            x = _g.Op("Add", x, Linear(Attention(q, k, v, selfBias), T5WeightNames.Attention(Stack, block, false, "o")));

            h = RmsNorm(x, T5WeightNames.LayerNorm(Stack, block, 1));
            q = SplitHeads(Linear(h, T5WeightNames.Attention(Stack, block, true, "q")));
            if (withPast)
            {
                k = T5TensorNames.PastKey(block, "encoder");
                v = T5TensorNames.PastValue(block, "encoder");
            }
            else
            {
                k = SplitHeads(Linear(T5TensorNames.EncoderHiddenStates, T5WeightNames.Attention(Stack, block, true, "k")));
                v = SplitHeads(Linear(T5TensorNames.EncoderHiddenStates, T5WeightNames.Attention(Stack, block, true, "v")));
            }

            if (writeEncoderPresents)
            {
                _g.OpInto("Identity", [k], [outputName(T5TensorNames.PresentKey(block, "encoder"))]);
                _g.OpInto("Identity", [v], [outputName(T5TensorNames.PresentValue(block, "encoder"))]);
            }

            x = _g.Op("Add", x, Linear(Attention(q, k, v, crossBias), T5WeightNames.Attention(Stack, block, true, "o")));

            h = RmsNorm(x, T5WeightNames.LayerNorm(Stack, block, 2));
            x = _g.Op("Add", x, FeedForward(h, Stack, block));
        }

        string final = RmsNorm(x, T5WeightNames.FinalLayerNorm(Stack));
        _g.OpInto("MatMul", [final, T5WeightNames.LmHead], [outputName(T5TensorNames.Logits)]);
    }

    /// <summary>T5LayerNorm: <c>weight · x · rsqrt(mean(x²) + eps)</c>, no mean subtraction, no bias.</summary>
    private string RmsNorm(string x, string weight)
    {
        string variance = _g.Op("ReduceMean", [_g.Op("Mul", x, x)], OnnxAttributeValue.Ints("axes", -1), OnnxAttributeValue.Int("keepdims", 1));
        string inverse = _g.Op("Reciprocal", _g.Op("Sqrt", _g.Op("Add", variance, F32Scalar(_o.LayerNormEpsilon))));
        return _g.Op("Mul", weight, _g.Op("Mul", x, inverse));
    }

    private string Linear(string x, string weight) => _g.Op("MatMul", x, weight);

    /// <summary>[batch, seq, heads·d_kv] → [batch, heads, seq, d_kv].</summary>
    private string SplitHeads(string x)
        => _g.Op("Transpose", [_g.Op("Reshape", x, I64(0, -1, _o.NumHeads, _o.DKv))], OnnxAttributeValue.Ints("perm", 0, 2, 1, 3));

    /// <summary>Scaled-free attention: <c>softmax(q·kᵀ + bias) · v</c>, heads merged back to [batch, seq, heads·d_kv].</summary>
    private string Attention(string q, string k, string v, string bias)
    {
        string keysT = _g.Op("Transpose", [k], OnnxAttributeValue.Ints("perm", 0, 1, 3, 2));
        string scores = _g.Op("Add", _g.Op("MatMul", q, keysT), bias);
        string probabilities = _g.Op("Softmax", [scores], OnnxAttributeValue.Int("axis", -1));
        string context = _g.Op("Transpose", [_g.Op("MatMul", probabilities, v)], OnnxAttributeValue.Ints("perm", 0, 2, 1, 3));
        return _g.Op("Reshape", context, I64(0, -1, (long)_o.NumHeads * _o.DKv));
    }

    private string FeedForward(string h, string stack, int block)
    {
        string hidden;
        if (_o.IsGatedFeedForward)
        {
            string gate = GeluTanh(Linear(h, T5WeightNames.FeedForward(stack, block, "wi_0")));
            hidden = _g.Op("Mul", gate, Linear(h, T5WeightNames.FeedForward(stack, block, "wi_1")));
        }
        else
        {
            hidden = _g.Op("Relu", Linear(h, T5WeightNames.FeedForward(stack, block, "wi")));
        }

        return Linear(hidden, T5WeightNames.FeedForward(stack, block, "wo"));
    }

    /// <summary>gelu_new: <c>0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))</c>.</summary>
    private string GeluTanh(string x)
    {
        string cube = _g.Op("Mul", x, _g.Op("Mul", x, x));
        string inner = _g.Op("Add", x, _g.Op("Mul", cube, F32Scalar(0.044715f)));
        string tanh = _g.Op("Tanh", _g.Op("Mul", inner, F32Scalar((float)Math.Sqrt(2.0 / Math.PI))));
        return _g.Op("Mul", _g.Op("Mul", x, F32Scalar(0.5f)), _g.Op("Add", tanh, F32Scalar(1f)));
    }

    /// <summary>
    /// Relative position bias [1, heads, queries, keys]: relative position = key − query, clipped to ±max_distance (exact,
    /// see <see cref="T5RelativePositionBuckets"/>), mapped to its bucket by the table (bidirectional for the encoder, causal for the decoder), then to per-head biases.
    /// </summary>
    private string RelativePositionBias(string queryPositions, string keyPositions, string bucketTable, string biasWeight)
    {
        long maxDistance = _o.RelativeAttentionMaxDistance;
        string relative = _g.Op("Sub", Unsqueeze(keyPositions, 0), Unsqueeze(queryPositions, 1));
        string clipped = _g.Op("Max", _g.Op("Min", relative, I64Scalar(maxDistance)), I64Scalar(-maxDistance));
        string buckets = _g.Op("Gather", [bucketTable, _g.Op("Add", clipped, I64Scalar(maxDistance))], OnnxAttributeValue.Int("axis", 0));
        string values = _g.Op("Gather", [biasWeight, buckets], OnnxAttributeValue.Int("axis", 0));
        string headsFirst = _g.Op("Transpose", [values], OnnxAttributeValue.Ints("perm", 2, 0, 1));
        return Unsqueeze(headsFirst, 0);
    }

    /// <summary>Padding mask [batch, len] (1 keep, 0 pad) → additive bias [batch, 1, 1, len]: (1 − mask)·float.MinValue.</summary>
    private string MaskBias(string mask)
    {
        string asFloat = _g.Op("Cast", [mask], OnnxAttributeValue.Int("to", (long)OnnxElementType.Float));
        string inverted = _g.Op("Sub", F32Scalar(1f), asFloat);
        string bias = _g.Op("Mul", inverted, F32Scalar(float.MinValue));
        return _g.Op("Unsqueeze", bias, I64(1, 2));
    }

    /// <summary>Size of dimension <paramref name="axis"/> as an int64 scalar.</summary>
    private string Dim(string tensor, long axis)
        => _g.Op("Gather", [_g.Op("Shape", tensor), I64Scalar(axis)], OnnxAttributeValue.Int("axis", 0));

    private string Unsqueeze(string x, long axis) => _g.Op("Unsqueeze", x, I64(axis));

    private string I64(params long[] values)
        => Cached("i64:" + string.Join(',', values), () => _g.Constant(values, values.Length));

    private string I64Scalar(long value)
        => Cached("i64s:" + value, () => _g.Constant(new[] { value }));

    private string F32Scalar(float value)
        => Cached("f32s:" + BitConverter.SingleToInt32Bits(value), () => _g.Constant(new[] { value }));

    private string Cached(string key, Func<string> create)
    {
        if (!_constants.TryGetValue(key, out string? name))
        {
            name = create();
            _constants[key] = name;
        }

        return name;
    }
}

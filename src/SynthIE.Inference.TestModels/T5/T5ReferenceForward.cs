namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// A direct, loop-by-loop T5 forward pass over the generator's weights (no ONNX): unpadded inputs, decoder on whole
/// prefixes with a causal mask. Used to calibrate lm_head while generating, and by tests as an oracle for the graphs.
/// Works layer by layer over all inputs so that each weight tensor is produced once and dropped after use.
/// </summary>
internal sealed class T5ReferenceForward
{
    private readonly T5TestModelOptions _o;
    private readonly Func<string, float[]> _weights;

    /// <param name="options">The model's options.</param>
    /// <param name="weights">Returns a weight tensor's values by name (<see cref="T5WeightNames"/>, linear weights as [in, out]).</param>
    public T5ReferenceForward(T5TestModelOptions options, Func<string, float[]> weights)
    {
        _o = options;
        _weights = weights;
    }

    /// <summary>Final-normed encoder states, one [length, d_model] array per input.</summary>
    public float[][] Encode(IReadOnlyList<long[]> inputs)
    {
        const string Stack = "encoder";
        int m = _o.DModel;
        float[][] x = Embed(inputs);
        float[] relativeBias = _weights(T5WeightNames.RelativeAttentionBias(Stack));
        for (int block = 0; block < _o.NumLayers; block++)
        {
            var attention = LoadAttention(Stack, block, cross: false);
            float[] norm0 = _weights(T5WeightNames.LayerNorm(Stack, block, 0));
            for (int n = 0; n < x.Length; n++)
            {
                int len = inputs[n].Length;
                float[] h = ReferenceMath.RmsNorm(x[n], len, m, norm0, _o.LayerNormEpsilon);
                float[] a = Attention(attention, h, len, h, len, (head, i, j) => relativeBias[(Bucket(j - i, bidirectional: true) * _o.NumHeads) + head], causal: false);
                ReferenceMath.AddInPlace(x[n], a);
            }

            FeedForward(Stack, block, x, inputs, normIndex: 1);
        }

        return Normalize(x, inputs, T5WeightNames.FinalLayerNorm(Stack));
    }

    /// <summary>
    /// Final-normed decoder states for whole decoder id sequences (teacher forcing, causal), one [length, d_model] array
    /// per input; <paramref name="encoderStates"/> from <see cref="Encode"/>.
    /// </summary>
    public float[][] DecodeStates(IReadOnlyList<long[]> decoderIds, float[][] encoderStates)
    {
        const string Stack = "decoder";
        int m = _o.DModel;
        float[][] x = Embed(decoderIds);
        float[] relativeBias = _weights(T5WeightNames.RelativeAttentionBias(Stack));
        for (int block = 0; block < _o.NumDecoderLayers; block++)
        {
            var self = LoadAttention(Stack, block, cross: false);
            var cross = LoadAttention(Stack, block, cross: true);
            float[] norm0 = _weights(T5WeightNames.LayerNorm(Stack, block, 0));
            float[] norm1 = _weights(T5WeightNames.LayerNorm(Stack, block, 1));
            for (int n = 0; n < x.Length; n++)
            {
                int len = decoderIds[n].Length, encoderLength = encoderStates[n].Length / m;
                float[] h = ReferenceMath.RmsNorm(x[n], len, m, norm0, _o.LayerNormEpsilon);
                ReferenceMath.AddInPlace(x[n], Attention(self, h, len, h, len, (head, i, j) => relativeBias[(Bucket(j - i, bidirectional: false) * _o.NumHeads) + head], causal: true));
                h = ReferenceMath.RmsNorm(x[n], len, m, norm1, _o.LayerNormEpsilon);
                ReferenceMath.AddInPlace(x[n], Attention(cross, h, len, encoderStates[n], encoderLength, (_, _, _) => 0f, causal: false));
            }

            FeedForward(Stack, block, x, decoderIds, normIndex: 2);
        }

        return Normalize(x, decoderIds, T5WeightNames.FinalLayerNorm(Stack));
    }

    /// <summary>Logits [length, vocab] of decoder states [length, d_model].</summary>
    public float[] Logits(float[] decoderStates)
        => ReferenceMath.MatMul(decoderStates, decoderStates.Length / _o.DModel, _o.DModel, _weights(T5WeightNames.LmHead), _o.VocabSize);

    private int Bucket(int relativePosition, bool bidirectional)
        => T5RelativePositionBuckets.Bucket(relativePosition, bidirectional, _o.RelativeAttentionNumBuckets, _o.RelativeAttentionMaxDistance);

    private float[][] Embed(IReadOnlyList<long[]> ids)
    {
        int m = _o.DModel;
        float[] table = _weights(T5WeightNames.SharedEmbedding);
        var result = new float[ids.Count][];
        for (int n = 0; n < ids.Count; n++)
        {
            result[n] = new float[ids[n].Length * m];
            for (int i = 0; i < ids[n].Length; i++)
            {
                long id = ids[n][i];
                if (id < 0 || id >= _o.VocabSize)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {id} at position {i} of input {n} is outside 0..{_o.VocabSize - 1}.");
                }

                table.AsSpan((int)id * m, m).CopyTo(result[n].AsSpan(i * m, m));
            }
        }

        return result;
    }

    private float[][] Normalize(float[][] x, IReadOnlyList<long[]> ids, string normName)
    {
        float[] weight = _weights(normName);
        return [.. x.Select((states, n) => ReferenceMath.RmsNorm(states, ids[n].Length, _o.DModel, weight, _o.LayerNormEpsilon))];
    }

    private void FeedForward(string stack, int block, float[][] x, IReadOnlyList<long[]> ids, int normIndex)
    {
        int m = _o.DModel, ff = _o.DFf;
        float[] norm = _weights(T5WeightNames.LayerNorm(stack, block, normIndex));
        float[] wo = _weights(T5WeightNames.FeedForward(stack, block, "wo"));
        float[] wi0 = _weights(T5WeightNames.FeedForward(stack, block, _o.IsGatedFeedForward ? "wi_0" : "wi"));
        float[]? wi1 = _o.IsGatedFeedForward ? _weights(T5WeightNames.FeedForward(stack, block, "wi_1")) : null;
        for (int n = 0; n < x.Length; n++)
        {
            int len = ids[n].Length;
            float[] h = ReferenceMath.RmsNorm(x[n], len, m, norm, _o.LayerNormEpsilon);
            float[] inner = ReferenceMath.MatMul(h, len, m, wi0, ff);
            if (wi1 is null)
            {
                for (int i = 0; i < inner.Length; i++)
                {
                    inner[i] = Math.Max(inner[i], 0f);
                }
            }
            else
            {
                float[] linear = ReferenceMath.MatMul(h, len, m, wi1, ff);
                for (int i = 0; i < inner.Length; i++)
                {
                    inner[i] = ReferenceMath.GeluTanh(inner[i]) * linear[i];
                }
            }

            ReferenceMath.AddInPlace(x[n], ReferenceMath.MatMul(inner, len, ff, wo, m));
        }
    }

    private (float[] Q, float[] K, float[] V, float[] O) LoadAttention(string stack, int block, bool cross) => (
        _weights(T5WeightNames.Attention(stack, block, cross, "q")),
        _weights(T5WeightNames.Attention(stack, block, cross, "k")),
        _weights(T5WeightNames.Attention(stack, block, cross, "v")),
        _weights(T5WeightNames.Attention(stack, block, cross, "o")));

    /// <summary>softmax(q·kᵀ + bias) · v per head (no 1/sqrt(d) scaling), then the output projection.</summary>
    private float[] Attention((float[] Q, float[] K, float[] V, float[] O) w, float[] queryStates, int queries, float[] keyStates, int keys, Func<int, int, int, float> bias, bool causal)
    {
        int m = _o.DModel, d = _o.DKv, inner = _o.NumHeads * d;
        float[] q = ReferenceMath.MatMul(queryStates, queries, m, w.Q, inner);
        float[] k = ReferenceMath.MatMul(keyStates, keys, m, w.K, inner);
        float[] v = ReferenceMath.MatMul(keyStates, keys, m, w.V, inner);
        var context = new float[queries * inner];
        var scores = new float[keys];
        for (int head = 0; head < _o.NumHeads; head++)
        {
            for (int i = 0; i < queries; i++)
            {
                int visible = causal ? i + 1 : keys;
                for (int j = 0; j < visible; j++)
                {
                    float dot = 0;
                    for (int c = 0; c < d; c++)
                    {
                        dot += q[(i * inner) + (head * d) + c] * k[(j * inner) + (head * d) + c];
                    }

                    scores[j] = dot + bias(head, i, j);
                }

                Span<float> p = scores.AsSpan(0, visible);
                ReferenceMath.Softmax(p);
                Span<float> output = context.AsSpan((i * inner) + (head * d), d);
                for (int j = 0; j < visible; j++)
                {
                    ReferenceMath.AddScaled(output, v.AsSpan((j * inner) + (head * d), d), p[j]);
                }
            }
        }

        return ReferenceMath.MatMul(context, queries, inner, w.O, m);
    }
}

using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Seeded weights of a generated T5. Each tensor is a pure function of (seed, tensor name), produced only when needed,
/// so the three decoder files hold identical weights without keeping them all in memory.
/// </summary>
/// <remarks>
/// <para>Scales: see <see cref="T5TestModelOptions.WeightScale"/>; RMS-norm weights are 1 ± 0.1·normal-ish; cross-attention
/// output projections ×2.</para>
/// <para>
/// lm_head is calibrated so that greedy and beam outputs are varied and end. Embedding rows share one common direction, so
/// the final decoder states have a large, stable mean <c>μ</c>. A reference forward pass (<see cref="T5ReferenceForward"/>)
/// over a few seeded random inputs measures <c>μ</c> and the spread of the states around it. Every column except EOS's is
/// random, orthogonal to <c>u = μ/|μ|</c> (so no token gains a constant advantage) and scaled so that logits have
/// standard deviation <see cref="T5TestModelOptions.LogitStd"/>. The EOS column is <c>β·u</c>: EOS's logit is nearly the
/// same at every state, set to the <see cref="T5TestModelOptions.EosChance"/> quantile of the best other logit over the
/// calibration states.
/// </para>
/// </remarks>
internal sealed class T5WeightGenerator
{
    /// <summary>The end-of-sequence id of T5.</summary>
    public const int EosTokenId = 1;

    private const string CommonDirectionName = "synthie.common_direction";
    private const string CalibrationName = "synthie.calibration";
    private const int CalibrationInputs = 4;
    private const int CalibrationEncoderLength = 16;
    private const int CalibrationDecoderLength = 12;

    /// <summary>Per-coordinate size of the direction all embedding rows share (the rows' own part has std 1).</summary>
    private const double CommonDirectionScale = 1.0;

    /// <summary>
    /// Factor on the cross-attention output projections' std (T5's init uses 1): a stronger encoder signal in the decoder
    /// makes outputs depend more on the input.
    /// </summary>
    private const double CrossAttentionOutputScale = 2.0;

    private readonly T5TestModelOptions _o;
    private readonly Dictionary<string, (long[] Dims, OnnxFloatGenerator Fill)> _floats = new(StringComparer.Ordinal);
    private readonly List<string> _encoderNames = [];
    private readonly List<string> _decoderNames = [];
    private readonly Lazy<(float[] Direction, float OrthogonalRms, float EosScale)> _calibration;

    public T5WeightGenerator(T5TestModelOptions options)
    {
        _o = options;
        int m = options.DModel;
        Register(_encoderNames, T5WeightNames.SharedEmbedding, FillEmbedding, options.VocabSize, m);
        RegisterStack(_encoderNames, "encoder", options.NumLayers, decoder: false);
        _decoderNames.Add(T5WeightNames.SharedEmbedding);
        RegisterStack(_decoderNames, "decoder", options.NumDecoderLayers, decoder: true);
        Register(_decoderNames, T5WeightNames.LmHead, FillLmHead, m, options.VocabSize);
        _calibration = new Lazy<(float[], float, float)>(Calibrate);
    }

    /// <summary>Gets the values of a float weight by name (generated now).</summary>
    public float[] Values(string name)
    {
        if (!_floats.TryGetValue(name, out var spec))
        {
            throw new KeyNotFoundException($"No generated weight is named '{name}'.");
        }

        long count = spec.Dims.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        spec.Fill(values);
        return values;
    }

    public void AddEncoderWeights(OnnxGraphBuilder graph)
    {
        graph.AddInitializer(BucketTable(bidirectional: true));
        foreach (string name in _encoderNames)
        {
            graph.AddInitializer(Tensor(name));
        }
    }

    /// <param name="graph">The graph.</param>
    /// <param name="crossKeyValue">Whether to include the cross-attention k/v projections (unused when the encoder KVs come in as past).</param>
    public void AddDecoderWeights(OnnxGraphBuilder graph, bool crossKeyValue)
    {
        graph.AddInitializer(BucketTable(bidirectional: false));
        foreach (string name in _decoderNames)
        {
            if (crossKeyValue || !IsCrossKeyValue(name))
            {
                graph.AddInitializer(Tensor(name));
            }
        }
    }

    private static bool IsCrossKeyValue(string name)
        => name.Contains(".EncDecAttention.k.", StringComparison.Ordinal) || name.Contains(".EncDecAttention.v.", StringComparison.Ordinal);

    private OnnxTensor Tensor(string name)
    {
        var spec = _floats[name];
        return OnnxTensor.FromFloatGenerator(name, spec.Fill, spec.Dims);
    }

    private OnnxTensor BucketTable(bool bidirectional) => OnnxTensor.FromInt64s(
        bidirectional ? T5WeightNames.EncoderBucketTable : T5WeightNames.DecoderBucketTable,
        T5RelativePositionBuckets.Table(bidirectional, _o.RelativeAttentionNumBuckets, _o.RelativeAttentionMaxDistance),
        (2 * _o.RelativeAttentionMaxDistance) + 1);

    private void RegisterStack(List<string> names, string stack, int layers, bool decoder)
    {
        double f = _o.WeightScale;
        int m = _o.DModel, inner = _o.NumHeads * _o.DKv, ff = _o.DFf;
        Normal(names, T5WeightNames.RelativeAttentionBias(stack), f, _o.RelativeAttentionNumBuckets, _o.NumHeads);
        for (int block = 0; block < layers; block++)
        {
            foreach (bool cross in decoder ? new[] { false, true } : [false])
            {
                Normal(names, T5WeightNames.Attention(stack, block, cross, "q"), f / Math.Sqrt((double)m * _o.DKv), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "k"), f / Math.Sqrt(m), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "v"), f / Math.Sqrt(m), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "o"), (cross ? CrossAttentionOutputScale : 1) * f / Math.Sqrt(inner), inner, m);
            }

            foreach (string projection in _o.IsGatedFeedForward ? new[] { "wi_0", "wi_1" } : ["wi"])
            {
                Normal(names, T5WeightNames.FeedForward(stack, block, projection), f / Math.Sqrt(m), m, ff);
            }

            Normal(names, T5WeightNames.FeedForward(stack, block, "wo"), f / Math.Sqrt(ff), ff, m);
            for (int sub = 0; sub < (decoder ? 3 : 2); sub++)
            {
                Norm(names, T5WeightNames.LayerNorm(stack, block, sub));
            }
        }

        Norm(names, T5WeightNames.FinalLayerNorm(stack));
    }

    private void Register(List<string> names, string name, OnnxFloatGenerator fill, params long[] dims)
    {
        _floats.Add(name, (dims, fill));
        names.Add(name);
    }

    private void Normal(List<string> names, string name, double std, params long[] dims)
    {
        int seed = _o.Seed;
        Register(names, name, values => new SeededRandom(seed, name).FillNormalish(values, std), dims);
    }

    private void Norm(List<string> names, string name)
    {
        int seed = _o.Seed;
        Register(names, name, values =>
        {
            new SeededRandom(seed, name).FillNormalish(values, 0.1);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += 1f;
            }
        }, _o.DModel);
    }

    /// <summary>shared [vocab, d_model]: normal-ish rows (std = weight scale) plus one common direction.</summary>
    private void FillEmbedding(Span<float> values)
    {
        int m = _o.DModel;
        new SeededRandom(_o.Seed, T5WeightNames.SharedEmbedding).FillNormalish(values, _o.WeightScale);
        var common = new float[m];
        new SeededRandom(_o.Seed, CommonDirectionName).FillNormalish(common, CommonDirectionScale * _o.WeightScale);
        for (int row = 0; row < values.Length / m; row++)
        {
            ReferenceMath.AddInPlace(values.Slice(row * m, m), common);
        }
    }

    /// <summary>lm_head as [d_model, vocab], see the class remarks.</summary>
    private void FillLmHead(Span<float> values)
    {
        (float[] u, float orthogonalRms, float eosScale) = _calibration.Value;
        FillLmHeadWithoutEos(values, u, orthogonalRms);
        int m = _o.DModel, v = _o.VocabSize;
        for (int k = 0; k < m; k++)
        {
            values[(k * v) + EosTokenId] = eosScale * u[k];
        }
    }

    /// <summary>Random columns scaled for <see cref="T5TestModelOptions.LogitStd"/>, orthogonal to <paramref name="u"/>; EOS column zero.</summary>
    private void FillLmHeadWithoutEos(Span<float> values, float[] u, float orthogonalRms)
    {
        int m = _o.DModel, v = _o.VocabSize;
        new SeededRandom(_o.Seed, T5WeightNames.LmHead).FillNormalish(values, _o.LogitStd / (Math.Sqrt(m) * orthogonalRms));
        var dots = new float[v];
        for (int k = 0; k < m; k++)
        {
            ReferenceMath.AddScaled(dots, values.Slice(k * v, v), u[k]);
        }

        for (int k = 0; k < m; k++)
        {
            ReferenceMath.AddScaled(values.Slice(k * v, v), dots, -u[k]);
            values[(k * v) + EosTokenId] = 0;
        }
    }

    /// <summary>
    /// Runs the reference forward pass on seeded random inputs (teacher-forced random decoder ids) and returns the unit
    /// direction of the mean final decoder state, the RMS per coordinate of the states' part orthogonal to it (what the
    /// other tokens' logits see), and the EOS column's length along the direction. All rounded, so that last-bit
    /// differences of exp/tanh between platforms do not change the written lm_head.
    /// </summary>
    private (float[] Direction, float OrthogonalRms, float EosScale) Calibrate()
    {
        int m = _o.DModel, v = _o.VocabSize;
        var random = new SeededRandom(_o.Seed, CalibrationName);
        int maxId = Math.Min(v, 32000);
        long NextId() => 3 + (long)(random.NextUInt64() % (ulong)Math.Max(1, maxId - 3));
        var inputs = new List<long[]>();
        var decoderIds = new List<long[]>();
        for (int n = 0; n < CalibrationInputs; n++)
        {
            inputs.Add([.. Enumerable.Range(0, CalibrationEncoderLength - 1).Select(_ => NextId()), EosTokenId]);
            decoderIds.Add([0, .. Enumerable.Range(0, CalibrationDecoderLength - 1).Select(_ => NextId())]);
        }

        var forward = new T5ReferenceForward(_o, Values);
        float[] states = [.. forward.DecodeStates(decoderIds, forward.Encode(inputs)).SelectMany(s => s)];
        int count = states.Length / m;

        var mean = new double[m];
        for (int i = 0; i < states.Length; i++)
        {
            mean[i % m] += states[i];
        }

        double norm = Math.Sqrt(mean.Sum(x => (x / count) * (x / count)));
        if (!(norm > 1e-3))
        {
            throw new InvalidOperationException($"The generated model's mean decoder state is degenerate (norm {norm}); change the seed or scales.");
        }

        float[] u = [.. mean.Select(x => (float)(Math.Round(x / count / norm * 4096) / 4096))];
        double orthogonal = 0;
        for (int p = 0; p < count; p++)
        {
            ReadOnlySpan<float> h = states.AsSpan(p * m, m);
            double along = 0;
            for (int k = 0; k < m; k++)
            {
                along += h[k] * u[k];
            }

            for (int k = 0; k < m; k++)
            {
                double rest = h[k] - (along * u[k]);
                orthogonal += rest * rest;
            }
        }

        float orthogonalRms = (float)Math.Round(Math.Sqrt(orthogonal / count / m), 3);
        if (_o.EosChance == 0)
        {
            return (u, orthogonalRms, 0f);
        }

        // EOS's logit at a typical state (projection |μ| on u) = the EosChance-quantile of the best other logit.
        var lmHead = new float[(long)m * v];
        FillLmHeadWithoutEos(lmHead, u, orthogonalRms);
        float[] logits = ReferenceMath.MatMul(states, count, m, lmHead, v);
        var best = new float[count];
        for (int p = 0; p < count; p++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(p * v, v);
            float max = float.NegativeInfinity;
            for (int t = 0; t < v; t++)
            {
                if (t != EosTokenId && row[t] > max)
                {
                    max = row[t];
                }
            }

            best[p] = max;
        }

        Array.Sort(best);
        double target = best[Math.Min(count - 1, (int)(_o.EosChance * count))];
        return (u, orthogonalRms, (float)Math.Round(target / norm, 3));
    }
}

using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Seeded weights of a generated T5. Each tensor is a pure function of (seed, tensor name) — plus, for lm_head, a
/// calibration pass over the other weights — produced only when needed, so the three decoder files hold identical
/// weights without keeping them all in memory.
/// </summary>
/// <remarks>
/// <para>
/// Scales: see <see cref="T5TestModelOptions.WeightScale"/>; RMS-norm weights are 1 ± 0.1·normal-ish; cross-attention
/// output projections ×2 so that outputs depend strongly on the input.
/// </para>
/// <para>
/// An end that comes with length. Random weights alone make greedy decoding either never pick EOS or pick it at once,
/// and under prefix constraints a fixed EOS preference would end every output at the first place EOS is allowed. So
/// three residual coordinates are reserved (no projection reads them, no projection writes them, except as said here):
/// coordinate 0 is a constant (every embedding row has 2 there), coordinate 1 marks the decoder start token (row 0 has
/// 2 there), and coordinate 2 is a counter: head 0 of the first decoder self-attention has a zero query and no position
/// bias, so it averages uniformly over positions 0..n, and its value reads only coordinate 1 and its output writes only
/// coordinate 2 — which therefore holds exactly c/(n+1) at decoder position n. lm_head's EOS column reads only
/// coordinates 0 and 2, giving EOS the logit <c>median + Δ·(1 − (L+1)/(n+1))</c> (up to the final norm's scale), where
/// median is the median best non-EOS logit, Δ = 2·<see cref="T5TestModelOptions.LogitStd"/> and
/// L = <see cref="T5TestModelOptions.EosTargetLength"/>: hopeless at the start, even with the best other token at
/// n = L, two standard deviations above it later. Competing with a typical token (logit ≈ 0, as under constraints)
/// EOS wins from about n = (L+1)/3.
/// </para>
/// <para>
/// The other lm_head columns are random, zero on the reserved coordinates, orthogonal to the mean final decoder state (so
/// no token gains a constant advantage) and scaled so that logits have standard deviation LogitStd. The median, the mean
/// state and the spread come from a reference forward pass (<see cref="T5ReferenceForward"/>) over seeded random inputs.
/// </para>
/// </remarks>
internal sealed class T5WeightGenerator : IT5WeightSource
{
    /// <summary>The end-of-sequence id of T5.</summary>
    public const int EosTokenId = 1;

    /// <summary>Residual coordinates reserved for the EOS schedule (see the remarks).</summary>
    public const int ReservedCoordinates = 3;

    private const int ConstantCoordinate = 0;
    private const int StartCoordinate = 1;
    private const int CounterCoordinate = 2;
    private const float ReservedValue = 2f;
    private const int CounterHead = 0;

    private const string CalibrationName = "synthie.calibration";
    private const int CalibrationInputs = 4;
    private const int CalibrationEncoderLength = 16;
    private const int CalibrationDecoderLength = 12;
    private const double CrossAttentionOutputScale = 2.0;

    private readonly T5TestModelOptions _o;
    private readonly Dictionary<string, (long[] Dims, OnnxFloatGenerator Fill)> _floats = new(StringComparer.Ordinal);
    private readonly List<string> _encoderNames = [];
    private readonly List<string> _decoderNames = [];
    private readonly Lazy<LmHeadCalibration> _calibration;

    public T5WeightGenerator(T5TestModelOptions options)
    {
        _o = options;
        int m = options.DModel;
        Register(_encoderNames, T5WeightNames.SharedEmbedding, FillEmbedding, options.VocabSize, m);
        RegisterStack(_encoderNames, "encoder", options.NumLayers, decoder: false);
        _decoderNames.Add(T5WeightNames.SharedEmbedding);
        RegisterStack(_decoderNames, "decoder", options.NumDecoderLayers, decoder: true);
        Register(_decoderNames, T5WeightNames.LmHead, FillLmHead, m, options.VocabSize);
        _calibration = new Lazy<LmHeadCalibration>(Calibrate);
    }

    /// <inheritdoc/>
    public string Description => "SynthIE.Inference.TestModels (seeded random weights, not a trained model)";

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
        int m = _o.DModel, d = _o.DKv, inner = _o.NumHeads * d, ff = _o.DFf, heads = _o.NumHeads;
        Normal(names, T5WeightNames.RelativeAttentionBias(stack), f, decoder ? ZeroCounterHeadBias : null, _o.RelativeAttentionNumBuckets, heads);
        for (int block = 0; block < layers; block++)
        {
            foreach (bool cross in decoder ? new[] { false, true } : [false])
            {
                bool counter = decoder && block == 0 && !cross;
                Normal(names, T5WeightNames.Attention(stack, block, cross, "q"), f / Math.Sqrt((double)m * d),
                    counter ? w => { ZeroReservedRows(w, inner); ZeroCounterHeadColumns(w, inner); } : w => ZeroReservedRows(w, inner), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "k"), f / Math.Sqrt(m), w => ZeroReservedRows(w, inner), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "v"), f / Math.Sqrt(m),
                    counter ? CounterValue : w => ZeroReservedRows(w, inner), m, inner);
                Normal(names, T5WeightNames.Attention(stack, block, cross, "o"), (cross ? CrossAttentionOutputScale : 1) * f / Math.Sqrt(inner),
                    counter ? CounterOutput : w => ZeroReservedColumns(w, m), inner, m);
            }

            foreach (string projection in _o.IsGatedFeedForward ? new[] { "wi_0", "wi_1" } : ["wi"])
            {
                Normal(names, T5WeightNames.FeedForward(stack, block, projection), f / Math.Sqrt(m), w => ZeroReservedRows(w, ff), m, ff);
            }

            Normal(names, T5WeightNames.FeedForward(stack, block, "wo"), f / Math.Sqrt(ff), w => ZeroReservedColumns(w, m), ff, m);
            for (int sub = 0; sub < (decoder ? 3 : 2); sub++)
            {
                Norm(names, T5WeightNames.LayerNorm(stack, block, sub));
            }
        }

        Norm(names, T5WeightNames.FinalLayerNorm(stack));
    }

    /// <summary>Input projections ([in, out]) do not read the reserved coordinates.</summary>
    private static void ZeroReservedRows(Span<float> w, int columns) => w[..(ReservedCoordinates * columns)].Clear();

    /// <summary>Output projections ([in, out] with out = d_model) do not write the reserved coordinates.</summary>
    private static void ZeroReservedColumns(Span<float> w, int columns)
    {
        for (int row = 0; row < w.Length / columns; row++)
        {
            w.Slice(row * columns, ReservedCoordinates).Clear();
        }
    }

    /// <summary>The counter head's query is zero: its scores are its position bias only.</summary>
    private void ZeroCounterHeadColumns(Span<float> w, int columns)
    {
        for (int row = 0; row < w.Length / columns; row++)
        {
            w.Slice((row * columns) + (CounterHead * _o.DKv), _o.DKv).Clear();
        }
    }

    /// <summary>The counter head has no position bias (in every decoder layer, since the table is shared): uniform attention.</summary>
    private void ZeroCounterHeadBias(Span<float> table)
    {
        for (int bucket = 0; bucket < table.Length / _o.NumHeads; bucket++)
        {
            table[(bucket * _o.NumHeads) + CounterHead] = 0;
        }
    }

    /// <summary>Counter head values: only its first component, reading only the start-token coordinate.</summary>
    private void CounterValue(Span<float> w)
    {
        int inner = _o.NumHeads * _o.DKv;
        ZeroReservedRows(w, inner);
        ZeroCounterHeadColumns(w, inner);
        w[(StartCoordinate * inner) + (CounterHead * _o.DKv)] = 1f;
    }

    /// <summary>Counter head output: its first component goes to the counter coordinate only.</summary>
    private void CounterOutput(Span<float> w)
    {
        int m = _o.DModel;
        ZeroReservedColumns(w, m);
        w.Slice(CounterHead * _o.DKv * m, _o.DKv * m).Clear();
        w[(CounterHead * _o.DKv * m) + CounterCoordinate] = 1f;
    }

    private void Register(List<string> names, string name, OnnxFloatGenerator fill, params long[] dims)
    {
        _floats.Add(name, (dims, fill));
        names.Add(name);
    }

    private void Normal(List<string> names, string name, double std, OnnxFloatGenerator? shape, params long[] dims)
    {
        int seed = _o.Seed;
        Register(names, name, values =>
        {
            new SeededRandom(seed, name).FillNormalish(values, std);
            shape?.Invoke(values);
        }, dims);
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

    /// <summary>shared [vocab, d_model]: normal-ish rows (std = weight scale); reserved coordinates constant, start marker on row 0.</summary>
    private void FillEmbedding(Span<float> values)
    {
        int m = _o.DModel;
        new SeededRandom(_o.Seed, T5WeightNames.SharedEmbedding).FillNormalish(values, _o.WeightScale);
        for (int row = 0; row < values.Length / m; row++)
        {
            Span<float> r = values.Slice(row * m, m);
            r[ConstantCoordinate] = ReservedValue;
            r[StartCoordinate] = row == 0 ? ReservedValue : 0f;
            r[CounterCoordinate] = 0f;
        }
    }

    /// <summary>lm_head as [d_model, vocab], see the class remarks.</summary>
    private void FillLmHead(Span<float> values)
    {
        LmHeadCalibration c = _calibration.Value;
        FillLmHeadWithoutEos(values, c.MeanDirection, c.OrthogonalRms);
        int v = _o.VocabSize;
        values[(ConstantCoordinate * v) + EosTokenId] = c.EosConstantWeight;
        values[(CounterCoordinate * v) + EosTokenId] = c.EosCounterWeight;
    }

    /// <summary>Random columns scaled for LogitStd, orthogonal to <paramref name="u"/>, zero on the reserved coordinates; EOS column zero.</summary>
    private void FillLmHeadWithoutEos(Span<float> values, float[] u, float orthogonalRms)
    {
        int m = _o.DModel, v = _o.VocabSize;
        new SeededRandom(_o.Seed, T5WeightNames.LmHead).FillNormalish(values, _o.LogitStd / (Math.Sqrt(m - ReservedCoordinates) * orthogonalRms));
        values[..(ReservedCoordinates * v)].Clear();
        var dots = new float[v];
        for (int k = ReservedCoordinates; k < m; k++)
        {
            ReferenceMath.AddScaled(dots, values.Slice(k * v, v), u[k]);
        }

        for (int k = ReservedCoordinates; k < m; k++)
        {
            ReferenceMath.AddScaled(values.Slice(k * v, v), dots, -u[k]);
            values[(k * v) + EosTokenId] = 0;
        }
    }

    /// <summary>
    /// Runs the reference forward pass on seeded random inputs (teacher-forced random decoder ids) and measures what
    /// lm_head needs. All results are rounded, so that last-bit differences of exp/tanh between platforms do not change
    /// the written lm_head.
    /// </summary>
    private LmHeadCalibration Calibrate()
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

        // Mean state over the free coordinates, and the spread around it.
        var mean = new double[m];
        for (int i = 0; i < states.Length; i++)
        {
            if (i % m >= ReservedCoordinates)
            {
                mean[i % m] += states[i] / (double)count;
            }
        }

        double norm = Math.Sqrt(mean.Sum(x => x * x));
        float[] u = [.. mean.Select(x => norm > 0 ? (float)(Math.Round(x / norm * 4096) / 4096) : 0f)];
        double orthogonal = 0;
        for (int p = 0; p < count; p++)
        {
            ReadOnlySpan<float> h = states.AsSpan(p * m, m);
            double along = 0;
            for (int k = ReservedCoordinates; k < m; k++)
            {
                along += h[k] * u[k];
            }

            for (int k = ReservedCoordinates; k < m; k++)
            {
                double rest = h[k] - (along * u[k]);
                orthogonal += rest * rest;
            }
        }

        float orthogonalRms = (float)Math.Round(Math.Sqrt(orthogonal / count / (m - ReservedCoordinates)), 3);
        if (_o.EosTargetLength == 0)
        {
            return new LmHeadCalibration(u, orthogonalRms, 0f, 0f);
        }

        // Median of the best other logit, and the final-state values of the constant and counter coordinates.
        var lmHead = new float[(long)m * v];
        FillLmHeadWithoutEos(lmHead, u, orthogonalRms);
        float[] logits = ReferenceMath.MatMul(states, count, m, lmHead, v);
        var best = new float[count];
        double constant = 0, counter = 0;
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
            constant += states[(p * m) + ConstantCoordinate] / (double)count;
            counter += states[(p * m) + CounterCoordinate] * ((p % CalibrationDecoderLength) + 1) / (double)count;
        }

        Array.Sort(best);
        double median = best[count / 2];
        double delta = 2 * _o.LogitStd;
        float constantWeight = (float)Math.Round((median + delta) / constant, 2);
        float counterWeight = (float)Math.Round(-delta * (_o.EosTargetLength + 1) / counter, 2);
        return new LmHeadCalibration(u, orthogonalRms, constantWeight, counterWeight);
    }
}

using System.Globalization;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Shape, seed and weight scales of a generated T5 test model. The architecture fields mirror Hugging Face's
/// <c>T5Config</c> (T5 v1.1 / flan-t5: RMS layer norm, relative position buckets, gated-GELU feed-forward, untied lm_head).
/// Presets: <see cref="Tiny"/>, <see cref="FlanT5Base"/>, <see cref="FlanT5Large"/>.
/// </summary>
public sealed record T5TestModelOptions
{
    /// <summary>The vocabulary size of every T5 / flan-t5 checkpoint (the real tokenizer's 32,100 ids plus 28 unused rows).</summary>
    public const int T5VocabSize = 32128;

    /// <summary>Gets the seed of the weights: the same options give byte-identical files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the hidden size (<c>d_model</c>).</summary>
    public int DModel { get; init; } = 32;

    /// <summary>Gets the size of one attention head (<c>d_kv</c>).</summary>
    public int DKv { get; init; } = 8;

    /// <summary>Gets the number of attention heads (<c>num_heads</c>).</summary>
    public int NumHeads { get; init; } = 4;

    /// <summary>Gets the inner size of the feed-forward layers (<c>d_ff</c>).</summary>
    public int DFf { get; init; } = 64;

    /// <summary>Gets the number of encoder layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; init; } = 2;

    /// <summary>Gets the number of decoder layers (<c>num_decoder_layers</c>).</summary>
    public int NumDecoderLayers { get; init; } = 2;

    /// <summary>Gets the vocabulary size (<c>vocab_size</c>), the width of the logits. Keep 32128 to use the real T5 tokenizer.</summary>
    public int VocabSize { get; init; } = T5VocabSize;

    /// <summary>Gets the number of relative position buckets (<c>relative_attention_num_buckets</c>).</summary>
    public int RelativeAttentionNumBuckets { get; init; } = 32;

    /// <summary>Gets the distance from which all relative positions share a bucket (<c>relative_attention_max_distance</c>).</summary>
    public int RelativeAttentionMaxDistance { get; init; } = 128;

    /// <summary>Gets the feed-forward kind (<c>feed_forward_proj</c>): <c>gated-gelu</c> (T5 v1.1 / flan) or <c>relu</c> (original T5).</summary>
    public string FeedForwardProj { get; init; } = "gated-gelu";

    /// <summary>Gets the epsilon of the RMS layer norms (<c>layer_norm_epsilon</c>).</summary>
    public float LayerNormEpsilon { get; init; } = 1e-6f;

    /// <summary>
    /// Gets the factor on every weight's standard deviation (like <c>initializer_factor</c>): projections use
    /// Hugging Face's T5 initialisation scales (q: (d_model·d_kv)^-½, k/v/wi: d_model^-½, o: (heads·d_kv)^-½, wo: d_ff^-½;
    /// cross-attention o twice that), embeddings and relative-position biases 1. Must be positive.
    /// </summary>
    public float WeightScale { get; init; } = 1f;

    /// <summary>
    /// Gets the standard deviation the logits (except EOS's) have across the vocabulary at a typical decoder state,
    /// so that log-probabilities are well spread (the best of 32k logits is then about 4 standard deviations up). Must be positive.
    /// </summary>
    public float LogitStd { get; init; } = 4f;

    /// <summary>
    /// Gets the decoder length around which greedy decoding ends: EOS (id 1) gets a logit that rises with the decoder
    /// position n like <c>median + Δ·(1 − (L+1)/(n+1))</c>, where median is the typical best other logit and
    /// Δ = 2·<see cref="LogitStd"/>. EOS is practically never chosen at the first steps, competes evenly with the best
    /// token at n = L and usually wins later; against an ordinary token (as under prefix constraints) it wins from about
    /// n = (L+1)/3. 0 gives EOS a zero lm_head column (logit 0 everywhere). Must be 0..100000.
    /// </summary>
    public int EosTargetLength { get; init; } = 24;

    /// <summary>Gets a value indicating whether an <c>onnx/</c> folder with copies of <c>encoder_model.onnx</c> and
    /// <c>decoder_model_merged.onnx</c> is written too (the layout transformers.js loads).</summary>
    public bool WriteTransformersJsLayout { get; init; }

    /// <summary>Gets a value indicating whether weights always go to <c>*.onnx_data</c> files; otherwise only graphs
    /// whose weights approach protobuf's 2 GiB limit use them.</summary>
    public bool AlwaysUseExternalData { get; init; }

    /// <summary>Gets a tiny model (d_model 32, 2+2 layers, 4 heads of 8, d_ff 64, the real vocabulary) for fast tests.</summary>
    public static T5TestModelOptions Tiny { get; } = new();

    /// <summary>Gets google/flan-t5-base's shape (d_model 768, 12+12 layers, 12 heads of 64, d_ff 2048), about 248M parameters.</summary>
    public static T5TestModelOptions FlanT5Base { get; } = new()
    {
        DModel = 768, DKv = 64, NumHeads = 12, DFf = 2048, NumLayers = 12, NumDecoderLayers = 12,
    };

    /// <summary>Gets google/flan-t5-large's shape (d_model 1024, 24+24 layers, 16 heads of 64, d_ff 2816), about 783M parameters.</summary>
    public static T5TestModelOptions FlanT5Large { get; } = new()
    {
        DModel = 1024, DKv = 64, NumHeads = 16, DFf = 2816, NumLayers = 24, NumDecoderLayers = 24,
    };

    /// <summary>Gets a value indicating whether the feed-forward is gated (two input projections and GELU).</summary>
    public bool IsGatedFeedForward => FeedForwardProj == "gated-gelu";

    /// <summary>Gets the number of weights of the PyTorch model these options describe (shared embedding and lm_head counted once each).</summary>
    public long ParameterCount
    {
        get
        {
            long m = DModel, inner = (long)NumHeads * DKv, ff = DFf;
            long attention = 4 * m * inner;
            long feedForward = (IsGatedFeedForward ? 3 : 2) * m * ff;
            long relativeBias = (long)RelativeAttentionNumBuckets * NumHeads;
            long encoder = NumLayers * (attention + feedForward + 2 * m) + relativeBias + m;
            long decoder = NumDecoderLayers * ((2 * attention) + feedForward + (3 * m)) + relativeBias + m;
            return encoder + decoder + (2L * VocabSize * m);
        }
    }

    /// <summary>Checks every field and throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Positive(DModel, "d_model");
        if (DModel < 8)
        {
            throw new ArgumentException($"d_model must be at least 8 (3 coordinates are reserved for the EOS schedule), not {DModel}.", "d_model");
        }

        Positive(DKv, "d_kv");
        Positive(NumHeads, "num_heads");
        Positive(DFf, "d_ff");
        Positive(NumLayers, "num_layers");
        Positive(NumDecoderLayers, "num_decoder_layers");
        if (VocabSize < 2)
        {
            throw new ArgumentException($"vocab_size must hold at least pad (0) and EOS (1), not {VocabSize}.", nameof(VocabSize));
        }

        if (RelativeAttentionNumBuckets < 4 || RelativeAttentionNumBuckets % 4 != 0)
        {
            throw new ArgumentException(
                $"relative_attention_num_buckets must be a positive multiple of 4 (halved for direction, then for exact positions), not {RelativeAttentionNumBuckets}.",
                nameof(RelativeAttentionNumBuckets));
        }

        if (RelativeAttentionMaxDistance <= RelativeAttentionNumBuckets / 4)
        {
            throw new ArgumentException(
                $"relative_attention_max_distance ({RelativeAttentionMaxDistance}) must exceed the exact range relative_attention_num_buckets/4 ({RelativeAttentionNumBuckets / 4}).",
                nameof(RelativeAttentionMaxDistance));
        }

        if (FeedForwardProj is not ("gated-gelu" or "relu"))
        {
            throw new ArgumentException($"feed_forward_proj '{FeedForwardProj}' is not supported; use 'gated-gelu' or 'relu'.", nameof(FeedForwardProj));
        }

        if (!(LayerNormEpsilon > 0) || !float.IsFinite(LayerNormEpsilon))
        {
            throw new ArgumentException($"layer_norm_epsilon must be a positive number, not {LayerNormEpsilon.ToString(CultureInfo.InvariantCulture)}.", nameof(LayerNormEpsilon));
        }

        Positive(WeightScale, nameof(WeightScale));
        Positive(LogitStd, nameof(LogitStd));
        if (EosTargetLength is < 0 or > 100_000)
        {
            throw new ArgumentException($"EosTargetLength must be 0..100000, not {EosTargetLength}.", nameof(EosTargetLength));
        }
    }

    private static void Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{field} must be positive, not {value}.", field);
        }
    }

    private static void Positive(float value, string field)
    {
        if (!float.IsFinite(value) || !(value > 0))
        {
            throw new ArgumentException($"{field} must be a finite number > 0, not {value.ToString(CultureInfo.InvariantCulture)}.", field);
        }
    }
}

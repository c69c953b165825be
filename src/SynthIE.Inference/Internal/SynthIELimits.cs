namespace SynthIE.Inference.Internal;

/// <summary>
/// The largest sizes the library accepts from options and model files. Each is checked when a model is loaded, before
/// anything of that size is allocated, and a value above it is reported with the option or file field that gave it.
/// The limits are far above what SynthIE's models use (10 beams, 256 tokens, 12 or 24 layers of 12 or 16 heads).
/// </summary>
internal static class SynthIELimits
{
    /// <summary>The most beams (<see cref="SynthIEExtractorOptions.NumBeams"/>, <c>num_beams</c> in <c>synthie.json</c>): 256.</summary>
    public const int MaxNumBeams = SynthIEExtractorOptions.MaxNumBeams;

    /// <summary>
    /// The most input or generated tokens (<see cref="SynthIEExtractorOptions.MaxInputTokens"/>,
    /// <see cref="SynthIEExtractorOptions.MaxNewTokens"/>, and the same fields of <c>synthie.json</c>): 8,192.
    /// </summary>
    public const int MaxTokens = SynthIEExtractorOptions.MaxTokens;

    /// <summary>The largest <see cref="SynthIEExtractorOptions.MaxBatchSize"/>: 1,024.</summary>
    public const int MaxBatchSize = SynthIEExtractorOptions.MaxBatchSizeLimit;

    /// <summary>
    /// The most logits one decoding step of a full batch may hold: <see cref="SynthIEExtractorOptions.MaxBatchSize"/> ×
    /// beams × the model's vocabulary size must not exceed it (2^28 floats, 1 GiB).
    /// </summary>
    public const long MaxLogitsPerStep = 1L << 28;

    /// <summary>
    /// <see cref="SynthIEExtractorOptions.IntraOpThreads"/> may be at most this many times
    /// <see cref="Environment.ProcessorCount"/>: 4.
    /// </summary>
    public const int MaxThreadsPerProcessor = SynthIEExtractorOptions.MaxThreadsPerProcessor;

    /// <summary>The most encoder or decoder layers in <c>config.json</c> (<c>num_layers</c>, <c>num_decoder_layers</c>): 1,024.</summary>
    public const int MaxLayers = 1024;

    /// <summary>The most attention heads in <c>config.json</c> (<c>num_heads</c>): 1,024.</summary>
    public const int MaxHeads = 1024;

    /// <summary>The largest hidden or head size in <c>config.json</c> (<c>d_model</c>, <c>d_kv</c>): 65,536.</summary>
    public const int MaxDimension = 65536;

    /// <summary>The largest vocabulary in <c>config.json</c> (<c>vocab_size</c>): 4,194,304.</summary>
    public const int MaxVocabularySize = 1 << 22;

    /// <summary>The most threads ONNX Runtime may be given on this machine: <see cref="MaxThreadsPerProcessor"/> × <see cref="Environment.ProcessorCount"/>.</summary>
    public static int MaxIntraOpThreads => MaxThreadsPerProcessor * Environment.ProcessorCount;
}

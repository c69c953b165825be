using Microsoft.Extensions.Logging;

namespace SynthIE.Inference;

/// <summary>
/// How a <see cref="SynthIEExtractor"/> loads its model and decodes. Every generation setting left <see langword="null"/>
/// comes from the model's <c>synthie.json</c> manifest, or SynthIE's defaults when the manifest does not say.
/// </summary>
public sealed class SynthIEExtractorOptions
{
    /// <summary>The most beams (<see cref="NumBeams"/>, <c>num_beams</c> in <c>synthie.json</c>) and returned sequences: 256.</summary>
    public const int MaxNumBeams = 256;

    /// <summary>
    /// The most input or generated tokens (<see cref="MaxInputTokens"/>, <see cref="MaxNewTokens"/> and the same fields of
    /// <c>synthie.json</c>): 8,192.
    /// </summary>
    public const int MaxTokens = 8192;

    /// <summary>The largest <see cref="MaxBatchSize"/>: 1,024.</summary>
    public const int MaxBatchSizeLimit = 1024;

    /// <summary><see cref="IntraOpThreads"/> may be at most this many times <see cref="Environment.ProcessorCount"/>: 4.</summary>
    public const int MaxThreadsPerProcessor = 4;

    /// <summary>
    /// Gets the world (the entity and relation names decoding is constrained to). <see langword="null"/>: the world the
    /// manifest names, or <see cref="WorldDirectory"/>.
    /// </summary>
    public World? World { get; init; }

    /// <summary>
    /// Gets a world folder to load instead of the manifest's: SynthIE's layout (<c>constrained_worlds/&lt;name&gt;/</c> and
    /// <c>id2name_mappings/</c>) or simple files (see <see cref="World.Load(string)"/>).
    /// </summary>
    public string? WorldDirectory { get; init; }

    /// <summary>Gets a value indicating whether decoding is constrained to the world's names (default <see langword="true"/>).
    /// Unconstrained decoding needs no world; its facts may name things that are not in Wikidata.</summary>
    public bool Constrained { get; init; } = true;

    /// <summary>Gets the linearization (<c>fully_expanded</c>, <c>subject_collapsed</c>, <c>fully_expanded_et</c>); <see langword="null"/>: the manifest's.</summary>
    public string? Linearization { get; init; }

    /// <summary>Gets the number of beams (1 = greedy, at most <see cref="MaxNumBeams"/>); <see langword="null"/>: the manifest's, else 10.</summary>
    public int? NumBeams { get; init; }

    /// <summary>Gets how many outputs to return per text, best first (1 to the number of beams); <see langword="null"/>: min(3, beams), as SynthIE's inference configuration.</summary>
    public int? NumReturnSequences { get; init; }

    /// <summary>Gets the length penalty (score = sum of log-probabilities / length^penalty); <see langword="null"/>: the manifest's, else 1.0.</summary>
    public double? LengthPenalty { get; init; }

    /// <summary>Gets the maximum number of generated tokens (1 to <see cref="MaxTokens"/>); <see langword="null"/>: the manifest's, else 256.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Gets the maximum number of input tokens, including the end token (longer texts are cut; 1 to <see cref="MaxTokens"/>); <see langword="null"/>: the manifest's, else 256.</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>Gets the largest number of texts decoded together by <see cref="SynthIEExtractor.ExtractBatch"/> and <see cref="SynthIEExtractor.ExtractManyAsync(IEnumerable{string}, CancellationToken)"/> (default 8; 1 to <see cref="MaxBatchSizeLimit"/>, and batch × beams × vocabulary at most 2^28 logits a step).</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Gets where ONNX Runtime runs the model (default CPU).</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>Gets the CUDA device ordinal used with <see cref="ExecutionDevice.Cuda"/> (0 to 1023).</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Gets the most GPU memory, in bytes, ONNX Runtime's CUDA memory arena may hold per session (its <c>gpu_mem_limit</c>; at
    /// least 1 MiB), or <see langword="null"/> for no limit. Used with <see cref="ExecutionDevice.Cuda"/> only.
    /// </summary>
    public long? CudaMemoryLimitBytes { get; init; }

    /// <summary>
    /// Gets whether ONNX Runtime's CUDA memory arena grows by exactly what is requested (<c>arena_extend_strategy</c>
    /// <c>kSameAsRequested</c>) instead of by powers of two (<c>kNextPowerOfTwo</c>, ONNX Runtime's default and this
    /// option's <see langword="false"/>). Used with <see cref="ExecutionDevice.Cuda"/> only.
    /// </summary>
    public bool CudaArenaGrowsAsRequested { get; init; }

    /// <summary>
    /// Gets whether the model runs with I/O binding, every tensor kept between runs in the device's memory
    /// (<see cref="Model.Onnx.T5BoundDecoder"/>); <see langword="null"/>: the device's default (on with CUDA, off on the CPU).
    /// Internal: lets tests and benchmarks run the binding path on the CPU.
    /// </summary>
    internal bool? UseDeviceBinding { get; init; }

    /// <summary>
    /// Gets whether the merged decoder is loaded when the folder has it; <see langword="null"/>: the device's default (the
    /// decoder pair with CUDA, where the merged graph copies its branch-only inputs through the host each step; merged on the CPU).
    /// </summary>
    internal bool? PreferMergedDecoder { get; init; }

    /// <summary>Gets the number of threads ONNX Runtime uses inside one operator (0: its default, one per physical core; at most <see cref="MaxThreadsPerProcessor"/> × the processor count).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Gets a value indicating whether to load the <c>_quantized</c> ONNX files instead of the full-precision ones.</summary>
    public bool UseQuantizedModel { get; init; }

    /// <summary>
    /// Gets where the world's token tries are cached. Default: a <c>.synthie-cache</c> folder in the world's folder when
    /// that folder is inside the model folder (or is <see cref="WorldDirectory"/>); the model folder's <c>.synthie-cache</c>
    /// for a manifest world outside the model folder or reached through a symbolic link; none for in-code worlds. The
    /// default is never a symbolic link or under one (the tries are then built in memory and the reason is logged); a
    /// folder named here is used as given.
    /// </summary>
    public string? TrieCacheDirectory { get; init; }

    /// <summary>Gets the logger factory for load and progress messages (default: none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

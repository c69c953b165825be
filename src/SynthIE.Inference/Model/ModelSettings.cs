using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Internal;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Model;

/// <summary>
/// Everything a model folder and <see cref="SynthIEExtractorOptions"/> decide, resolved and validated once, before any
/// ONNX session is opened: the manifest (<c>synthie.json</c>), <c>config.json</c>, the tokenizer, the linearization, the
/// decoding settings (options over the manifest's defaults), the world folder and the trie cache folder. Every value
/// that breaks a limit is reported here, naming the option or the file field it came from.
/// </summary>
internal sealed class ModelSettings
{
    /// <summary>The smallest <see cref="SynthIEExtractorOptions.CudaMemoryLimitBytes"/>: 1 MiB.</summary>
    private const long MinCudaMemoryLimit = 1L << 20;

    private readonly SynthIEExtractorOptions _options;

    private ModelSettings(string directory, string manifestPath, SynthIEManifest manifest, T5ModelConfig config, T5Tokenizer tokenizer,
        Linearization linearization, SynthIEExtractorOptions options)
    {
        Directory = directory;
        ManifestPath = manifestPath;
        Manifest = manifest;
        Config = config;
        Tokenizer = tokenizer;
        Linearization = linearization;
        _options = options;
        MaxInputTokens = options.MaxInputTokens ?? manifest.MaxInputTokens;
        WorldDirectory = options.WorldDirectory is { } named ? Path.GetFullPath(named)
            : manifest.World is null ? null : Path.GetFullPath(Path.Combine(directory, manifest.World));
    }

    /// <summary>Gets the model folder's full path.</summary>
    public string Directory { get; }

    /// <summary>Gets the manifest's path (the file may be absent: the defaults are used then).</summary>
    public string ManifestPath { get; }

    /// <summary>Gets the manifest.</summary>
    public SynthIEManifest Manifest { get; }

    /// <summary>Gets the model's <c>config.json</c>.</summary>
    public T5ModelConfig Config { get; }

    /// <summary>Gets the model's tokenizer.</summary>
    public T5Tokenizer Tokenizer { get; }

    /// <summary>Gets the linearization (the options' over the manifest's).</summary>
    public Linearization Linearization { get; }

    /// <summary>Gets the most input tokens (the options' over the manifest's).</summary>
    public int MaxInputTokens { get; }

    /// <summary>Gets the world folder: the options' <see cref="SynthIEExtractorOptions.WorldDirectory"/>, else the manifest's, else none.</summary>
    public string? WorldDirectory { get; }

    /// <summary>Resolves and validates a model folder with the options given in code.</summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where notes go.</param>
    /// <returns>The settings.</returns>
    public static ModelSettings Resolve(string modelDirectory, SynthIEExtractorOptions options, ILogger logger)
    {
        ValidateOptions(options);
        string directory = Path.GetFullPath(modelDirectory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, "model directory not found.");
        }

        string manifestPath = Path.Combine(directory, SynthIEManifest.FileName);
        bool hasManifest = File.Exists(manifestPath);
        SynthIEManifest manifest = hasManifest ? SynthIEManifest.Load(manifestPath) : new SynthIEManifest();
        if (!hasManifest)
        {
            ExtractorLog.NoManifest(logger, directory, SynthIEManifest.FileName);
        }

        T5ModelConfig config = T5ModelConfig.Load(Path.Combine(directory, "config.json"));
        T5Tokenizer tokenizer = LoadTokenizer(directory);
        if (tokenizer.VocabularySize > config.VocabularySize)
        {
            throw new ModelLoadException(Path.Combine(directory, "config.json"),
                $"vocab_size is {config.VocabularySize}, smaller than the tokenizer's {tokenizer.VocabularySize} ids ({tokenizer.SourceName}): the tokenizer does not belong to this model.");
        }

        Linearization linearization = ParseLinearization(options.Linearization ?? manifest.Linearization, directory);
        var settings = new ModelSettings(directory, manifestPath, manifest, config, tokenizer, linearization, options);
        DecodingOptions decoding = settings.CreateDecodingOptions(constraint: null);
        ValidateDecoding(decoding, options, manifestPath);
        ValidateStepSize(decoding, options, manifestPath, config.VocabularySize);
        decoding.Validate(config.VocabularySize);
        return settings;
    }

    /// <summary>
    /// Loads the world: <see cref="SynthIEExtractorOptions.World"/> if given, else <see cref="WorldDirectory"/> when
    /// decoding is constrained or the options name the folder; <see langword="null"/> otherwise.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where notes go.</param>
    /// <returns>The world, or <see langword="null"/>.</returns>
    public World? LoadWorld(SynthIEExtractorOptions options, ILogger logger)
    {
        if (options.World is { } given)
        {
            return given;
        }

        if (WorldDirectory is null || !(options.Constrained || options.WorldDirectory is not null))
        {
            return null;
        }

        if (options.WorldDirectory is null && !System.IO.Directory.Exists(WorldDirectory))
        {
            throw new ModelLoadException(ManifestPath, $"\"world\" is {DisplayText.Quote(Manifest.World)}, but {DisplayText.Escape(WorldDirectory, 1000)} is not a folder.");
        }

        ExtractorLog.LoadingWorld(logger, DisplayText.Escape(WorldDirectory, 1000));
        return World.Load(WorldDirectory);
    }

    /// <summary>
    /// Builds (or maps from the cache) the constraint's tries. Without <see cref="SynthIEExtractorOptions.TrieCacheDirectory"/>
    /// the cache lies where <see cref="TrieCacheLocation"/> puts it: never outside the model folder (or the world folder the
    /// options name), never through a symbolic link.
    /// </summary>
    /// <param name="world">The loaded world.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where notes go.</param>
    /// <returns>The constraint.</returns>
    public SynthIEConstraint CreateConstraint(World? world, SynthIEExtractorOptions options, ILogger logger)
    {
        if (world is null)
        {
            throw new ModelLoadException(ManifestPath,
                "constrained decoding needs a world: name one in the manifest's \"world\" field, or set SynthIEExtractorOptions.World or .WorldDirectory " +
                "(or set Constrained = false for unconstrained decoding).");
        }

        string? cacheNote = null;
        string? cacheDirectory = options.TrieCacheDirectory
            ?? (WorldDirectory is null ? null
                : options.WorldDirectory is null ? TrieCacheLocation.ForManifestWorld(Directory, WorldDirectory, out cacheNote)
                : TrieCacheLocation.ForNamedWorld(WorldDirectory, out cacheNote));
        if (cacheNote is not null)
        {
            ExtractorLog.TrieCache(logger, cacheNote);
        }

        return SynthIEConstraint.Create(world, Tokenizer, Linearization, new SynthIEConstraintOptions { CacheDirectory = cacheDirectory });
    }

    /// <summary>Opens the ONNX sessions on the device the options ask for.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The model.</returns>
    public T5OnnxModel LoadOnnxModel(SynthIEExtractorOptions options)
    {
        bool cuda = options.Device == ExecutionDevice.Cuda;
        OnnxModelFiles files = OnnxModelFiles.Find(Directory, options.UseQuantizedModel, preferMerged: options.PreferMergedDecoder ?? !cuda);
        var cudaSettings = new CudaSettings(options.CudaDeviceId, options.CudaMemoryLimitBytes, options.CudaArenaGrowsAsRequested);
        using SessionOptions sessionOptions = SessionOptionsFactory.Create(options.Device, options.IntraOpThreads, cudaSettings);
        ExecutionDevice? bindTo = options.UseDeviceBinding ?? cuda ? options.Device : null;
        return T5OnnxModel.Load(Config, files, sessionOptions, bindTo, cudaSettings);
    }

    /// <summary>Gets the decoding settings: the options' values over the manifest's defaults, with the given constraint.</summary>
    /// <param name="constraint">The constraint, or <see langword="null"/>.</param>
    /// <returns>The settings (already validated by <see cref="Resolve"/>).</returns>
    public DecodingOptions CreateDecodingOptions(ITokenConstraint? constraint)
    {
        int beams = _options.NumBeams ?? Manifest.NumBeams;
        return new DecodingOptions
        {
            NumBeams = beams,
            NumReturnSequences = _options.NumReturnSequences ?? DecodingOptions.DefaultNumReturnSequences(beams),
            LengthPenalty = _options.LengthPenalty ?? Manifest.LengthPenalty,
            MaxNewTokens = _options.MaxNewTokens ?? Manifest.MaxNewTokens,
            DecoderStartTokenId = Config.DecoderStartTokenId,
            EosTokenId = Config.EndOfSequenceTokenId,
            PadTokenId = Config.PadTokenId,
            Constraint = constraint,
        };
    }

    private static T5Tokenizer LoadTokenizer(string directory)
    {
        try
        {
            return T5Tokenizer.FromDirectory(directory);
        }
        catch (Exception error) when (error is FileNotFoundException or InvalidDataException)
        {
            throw new ModelLoadException(directory, $"the tokenizer could not be loaded: {error.Message}", error);
        }
    }

    private static Linearization ParseLinearization(string identifier, string directory)
    {
        try
        {
            return Linearization.FromIdentifier(identifier);
        }
        catch (ArgumentException error)
        {
            throw new ModelLoadException(Path.Combine(directory, SynthIEManifest.FileName), error.Message, error);
        }
    }

    /// <summary>Checks the options given in code against each other and <see cref="SynthIELimits"/>, before anything is loaded.</summary>
    private static void ValidateOptions(SynthIEExtractorOptions options)
    {
        CheckRange(nameof(options.NumBeams), options.NumBeams, 1, SynthIELimits.MaxNumBeams);
        CheckRange(nameof(options.NumReturnSequences), options.NumReturnSequences, 1, SynthIELimits.MaxNumBeams);
        CheckRange(nameof(options.MaxNewTokens), options.MaxNewTokens, 1, SynthIELimits.MaxTokens);
        CheckRange(nameof(options.MaxInputTokens), options.MaxInputTokens, 1, SynthIELimits.MaxTokens);
        CheckRange(nameof(options.MaxBatchSize), options.MaxBatchSize, 1, SynthIELimits.MaxBatchSize);
        CheckRange(nameof(options.IntraOpThreads), options.IntraOpThreads, 0, SynthIELimits.MaxIntraOpThreads,
            $" ({SynthIELimits.MaxThreadsPerProcessor} × the {Environment.ProcessorCount} processors; 0 lets ONNX Runtime choose)");
        CheckRange(nameof(options.CudaDeviceId), options.CudaDeviceId, 0, 1023);
        if (options.CudaMemoryLimitBytes is long limit && limit < MinCudaMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), limit,
                $"SynthIEExtractorOptions.CudaMemoryLimitBytes is {limit}; it must be at least {MinCudaMemoryLimit} (1 MiB), or null for no limit.");
        }

        if (options.LengthPenalty is double penalty && !double.IsFinite(penalty))
        {
            throw new ArgumentOutOfRangeException(nameof(options), penalty, $"SynthIEExtractorOptions.LengthPenalty must be a finite number, not {penalty}.");
        }

        if (options.NumBeams is int beams && options.NumReturnSequences is int returned && returned > beams)
        {
            throw new ArgumentOutOfRangeException(nameof(options), returned,
                $"SynthIEExtractorOptions.NumReturnSequences is {returned}, more than NumBeams ({beams}): at most one candidate per beam is returned.");
        }

        static void CheckRange(string name, int? value, int min, int max, string note = "")
        {
            if (value is int v && (v < min || v > max))
            {
                throw new ArgumentOutOfRangeException(nameof(options), v, $"SynthIEExtractorOptions.{name} is {v}; it must be between {min} and {max}{note}.");
            }
        }
    }

    private static string BeamsSource(DecodingOptions decoding, SynthIEExtractorOptions options, string manifestPath) =>
        options.NumBeams is null ? $"NumBeams ({decoding.NumBeams}, from {manifestPath}'s num_beams)" : $"NumBeams ({decoding.NumBeams})";

    /// <summary>Checks the decoding settings once the manifest's defaults are known.</summary>
    private static void ValidateDecoding(DecodingOptions decoding, SynthIEExtractorOptions options, string manifestPath)
    {
        if (decoding.NumReturnSequences > decoding.NumBeams)
        {
            throw new ArgumentOutOfRangeException(nameof(options), decoding.NumReturnSequences,
                $"SynthIEExtractorOptions.NumReturnSequences is {decoding.NumReturnSequences}, more than {BeamsSource(decoding, options, manifestPath)}: at most one candidate per beam is returned.");
        }
    }

    /// <summary>Checks the size of one decoding step's logits once the graph has confirmed the vocabulary size.</summary>
    private static void ValidateStepSize(DecodingOptions decoding, SynthIEExtractorOptions options, string manifestPath, int vocabularySize)
    {
        string beamsSource = BeamsSource(decoding, options, manifestPath);
        long logits = (long)options.MaxBatchSize * decoding.NumBeams * vocabularySize;
        if (logits > SynthIELimits.MaxLogitsPerStep)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize,
                $"SynthIEExtractorOptions.MaxBatchSize ({options.MaxBatchSize}) × {beamsSource} × the model's {vocabularySize} vocabulary ids is {logits} logits a step, " +
                $"more than {SynthIELimits.MaxLogitsPerStep}: lower MaxBatchSize or NumBeams.");
        }
    }
}

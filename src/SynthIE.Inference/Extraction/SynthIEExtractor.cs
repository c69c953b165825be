using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Decoding;
using SynthIE.Inference.Facts;
using SynthIE.Inference.Models;
using SynthIE.Inference.Onnx;
using SynthIE.Inference.Runtime;
using SynthIE.Inference.Tokenization;
using SynthIE.Inference.Worlds;
using SynthIELinearization = SynthIE.Inference.Linearization.Linearization;

namespace SynthIE.Inference;

/// <summary>
/// Extracts Wikidata facts from text with a SynthIE model: tokenizes, runs the T5 model exported to ONNX with beam search
/// constrained to the world's names (exactly as transformers 4.23.1 <c>generate</c> with SynthIE's constraint), and parses
/// the output into typed facts. Load once and reuse: loading builds sessions and tries. Thread-safe; dispose to release
/// ONNX Runtime's native resources.
/// </summary>
/// <example>
/// <code>
/// using var extractor = SynthIEExtractor.Create("models/synthie_base_sc");
/// foreach (Fact fact in extractor.Extract("Paris is the capital of France.").Facts)
///     Console.WriteLine(fact);
/// </code>
/// </example>
public sealed class SynthIEExtractor : IDisposable
{
    private readonly T5OnnxModel _model;
    private readonly T5OnnxGenerator _generator;
    private readonly SynthIEConstraint? _constraint;
    private readonly FactParser _parser;
    private readonly DecodingOptions _decoding;
    private readonly int _maxInputTokens;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private bool _disposed;

    private SynthIEExtractor(
        string modelDirectory, SynthIEManifest manifest, T5OnnxModel model, T5Tokenizer tokenizer, World? world,
        SynthIELinearization linearization, SynthIEConstraint? constraint, DecodingOptions decoding, int maxInputTokens,
        int maxBatchSize, ILogger logger)
    {
        ModelDirectory = modelDirectory;
        Manifest = manifest;
        _model = model;
        _generator = new T5OnnxGenerator(model);
        Tokenizer = tokenizer;
        World = world;
        Linearization = linearization;
        _constraint = constraint;
        _parser = new FactParser(linearization, world);
        _decoding = decoding;
        _maxInputTokens = maxInputTokens;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
    }

    /// <summary>Gets the model directory.</summary>
    public string ModelDirectory { get; }

    /// <summary>Gets the model's manifest (defaults when the directory has no <c>synthie.json</c>).</summary>
    public SynthIEManifest Manifest { get; }

    /// <summary>Gets the model's tokenizer.</summary>
    public T5Tokenizer Tokenizer { get; }

    /// <summary>Gets the world decoding is constrained to, or <see langword="null"/> for unconstrained decoding without a world.</summary>
    public World? World { get; }

    /// <summary>Gets how the model writes facts.</summary>
    public SynthIELinearization Linearization { get; }

    /// <summary>Gets the number of beams used.</summary>
    public int NumBeams => _decoding.NumBeams;

    /// <summary>Gets the number of candidates returned per text.</summary>
    public int NumReturnSequences => _decoding.NumReturnSequences;

    /// <summary>Gets the length penalty used.</summary>
    public double LengthPenalty => _decoding.LengthPenalty;

    /// <summary>Gets the maximum number of generated tokens.</summary>
    public int MaxNewTokens => _decoding.MaxNewTokens;

    /// <summary>Gets the maximum number of input tokens (longer texts are cut).</summary>
    public int MaxInputTokens => _maxInputTokens;

    /// <summary>Gets a value indicating whether decoding is constrained to the world's names.</summary>
    public bool IsConstrained => _constraint is not null;

    /// <summary>Loads a model directory (optimum's ONNX layout, see <c>models/README.md</c>) and its world.</summary>
    /// <param name="modelDirectory">The model directory.</param>
    /// <param name="options">Loading and decoding options; <see langword="null"/> for the manifest's defaults.</param>
    /// <returns>The extractor.</returns>
    /// <exception cref="ModelLoadException">A model file is missing, malformed or inconsistent with another.</exception>
    /// <exception cref="WorldFileException">A world file is missing or malformed.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested but is not available.</exception>
    public static SynthIEExtractor Create(string modelDirectory, SynthIEExtractorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        options ??= new SynthIEExtractorOptions();
        ILogger logger = options.LoggerFactory?.CreateLogger<SynthIEExtractor>() ?? NullLogger<SynthIEExtractor>.Instance;
        string directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, "model directory not found.");
        }

        string manifestPath = Path.Combine(directory, SynthIEManifest.FileName);
        SynthIEManifest manifest = File.Exists(manifestPath) ? SynthIEManifest.Load(manifestPath) : new SynthIEManifest();
        if (!File.Exists(manifestPath))
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

        SynthIELinearization linearization = ParseLinearization(options.Linearization ?? manifest.Linearization, directory);
        int maxInputTokens = options.MaxInputTokens ?? manifest.MaxInputTokens;
        if (maxInputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxInputTokens, "MaxInputTokens must be at least 1.");
        }

        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        World? world = options.World;
        string? worldDirectory = options.WorldDirectory
            ?? (manifest.World is null ? null : Path.GetFullPath(Path.Combine(directory, manifest.World)));
        if (world is null && worldDirectory is not null && (options.Constrained || options.WorldDirectory is not null))
        {
            ExtractorLog.LoadingWorld(logger, worldDirectory);
            world = WorldLocator.Load(worldDirectory);
        }

        SynthIEConstraint? constraint = null;
        T5OnnxModel? model = null;
        try
        {
            if (options.Constrained)
            {
                if (world is null)
                {
                    throw new ModelLoadException(manifestPath,
                        "constrained decoding needs a world: name one in the manifest's \"world\" field, or set SynthIEExtractorOptions.World or .WorldDirectory " +
                        "(or set Constrained = false for unconstrained decoding).");
                }

                string? cacheDirectory = options.TrieCacheDirectory
                    ?? (worldDirectory is null ? null : Path.Combine(worldDirectory, ".synthie-cache"));
                constraint = SynthIEConstraint.Create(world, tokenizer, linearization, new SynthIEConstraintOptions { CacheDirectory = cacheDirectory });
            }

            OnnxModelFiles files = OnnxModelFiles.Find(directory, options.UseQuantizedModel, preferMerged: true);
            using (SessionOptions sessionOptions = SessionOptionsFactory.Create(options.Device, options.IntraOpThreads, options.CudaDeviceId))
            {
                model = T5OnnxModel.Load(config, files, sessionOptions);
            }

            DecodingOptions decoding = CreateDecodingOptions(options, manifest, config, constraint);
            decoding.Validate(config.VocabularySize);
            if (logger.IsEnabled(LogLevel.Information))
            {
                ExtractorLog.Loaded(logger, manifest.Name ?? Path.GetFileName(directory), linearization.Identifier, decoding.NumBeams, decoding.LengthPenalty, constraint is not null, options.Device.ToString());
            }
            return new SynthIEExtractor(directory, manifest, model, tokenizer, world, linearization, constraint, decoding, maxInputTokens, options.MaxBatchSize, logger);
        }
        catch
        {
            constraint?.Dispose();
            model?.Dispose();
            throw;
        }
    }

    /// <summary>Extracts the facts of one text.</summary>
    /// <param name="text">The text (empty or whitespace-only text gives no facts and runs nothing).</param>
    /// <param name="cancellationToken">Stops decoding within one step.</param>
    /// <returns>The result.</returns>
    public ExtractionResult Extract(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ExtractBatch([text], cancellationToken)[0];
    }

    /// <summary>Extracts the facts of one text on the thread pool.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Stops decoding within one step.</param>
    /// <returns>The result.</returns>
    public Task<ExtractionResult> ExtractAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Task.Run(() => Extract(text, cancellationToken), cancellationToken);
    }

    /// <summary>Extracts the facts of several texts, decoding up to <see cref="SynthIEExtractorOptions.MaxBatchSize"/> together.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops decoding within one step.</param>
    /// <returns>One result per text, in input order.</returns>
    public IReadOnlyList<ExtractionResult> ExtractBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new ExtractionResult[texts.Count];
        var pending = new List<int>(Math.Min(texts.Count, _maxBatchSize));
        var inputs = new List<int[]>(pending.Capacity);
        var truncated = new List<bool>(pending.Capacity);
        int[] buffer = new int[_maxInputTokens];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
            if (string.IsNullOrWhiteSpace(text))
            {
                results[i] = new ExtractionResult(text, [], 0, false);
                continue;
            }

            int count = Tokenizer.EncodeToIds(text.AsSpan(), buffer, addEndOfSequence: true, out bool cut);
            pending.Add(i);
            inputs.Add(buffer.AsSpan(0, count).ToArray());
            truncated.Add(cut);
            if (pending.Count == _maxBatchSize)
            {
                Flush();
            }
        }

        Flush();
        return results;

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            IReadOnlyList<GeneratedSequence>[] generated = _generator.Generate(inputs, _decoding, cancellationToken);
            for (int j = 0; j < pending.Count; j++)
            {
                int index = pending[j];
                results[index] = new ExtractionResult(texts[index], ToCandidates(generated[j]), inputs[j].Length, truncated[j]);
                if (truncated[j])
                {
                    ExtractorLog.Truncated(_logger, index, _maxInputTokens);
                }
            }

            pending.Clear();
            inputs.Clear();
            truncated.Clear();
        }
    }

    /// <summary>Extracts the facts of a stream of texts, in batches, yielding results in input order as they are ready.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops decoding within one step.</param>
    /// <returns>One result per text, in input order.</returns>
    public IAsyncEnumerable<ExtractionResult> ExtractManyAsync(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return ExtractManyAsync(AsAsyncEnumerable(texts), cancellationToken);
    }

    /// <summary>Extracts the facts of an asynchronous stream of texts, in batches, yielding results in input order.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops decoding within one step.</param>
    /// <returns>One result per text, in input order.</returns>
    public async IAsyncEnumerable<ExtractionResult> ExtractManyAsync(IAsyncEnumerable<string> texts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var batch = new List<string>(_maxBatchSize);
        await foreach (string text in texts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(text);
            if (batch.Count == _maxBatchSize)
            {
                foreach (ExtractionResult result in await RunBatchAsync(batch, cancellationToken).ConfigureAwait(false))
                {
                    yield return result;
                }

                batch.Clear();
            }
        }

        foreach (ExtractionResult result in await RunBatchAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>Releases the ONNX Runtime sessions and the memory-mapped tries.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _model.Dispose();
        _constraint?.Dispose();
    }

    internal T5OnnxModel OnnxModel => _model;

    internal DecodingOptions DecodingOptions => _decoding;

    internal ITokenConstraint? Constraint => _constraint;

    private static async IAsyncEnumerable<string> AsAsyncEnumerable(IEnumerable<string> texts)
    {
        foreach (string text in texts)
        {
            yield return text;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private Task<IReadOnlyList<ExtractionResult>> RunBatchAsync(List<string> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<ExtractionResult>>([]);
        }

        string[] texts = [.. batch];
        return Task.Run(() => ExtractBatch(texts, cancellationToken), cancellationToken);
    }

    private ExtractionCandidate[] ToCandidates(IReadOnlyList<GeneratedSequence> sequences)
    {
        var candidates = new ExtractionCandidate[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            GeneratedSequence sequence = sequences[i];
            string output = Tokenizer.Decode(sequence.AsSpan());
            candidates[i] = new ExtractionCandidate(_parser.Parse(output), sequence.Score, sequence.TokenIds, sequence.FinishReason == FinishReason.EndOfSequence);
        }

        return candidates;
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

    private static SynthIELinearization ParseLinearization(string identifier, string directory)
    {
        try
        {
            return SynthIELinearization.FromIdentifier(identifier);
        }
        catch (ArgumentException error)
        {
            throw new ModelLoadException(Path.Combine(directory, SynthIEManifest.FileName), error.Message, error);
        }
    }

    private static DecodingOptions CreateDecodingOptions(SynthIEExtractorOptions options, SynthIEManifest manifest, T5ModelConfig config, ITokenConstraint? constraint)
    {
        int beams = options.NumBeams ?? manifest.NumBeams;
        return new DecodingOptions
        {
            NumBeams = beams,
            NumReturnSequences = options.NumReturnSequences ?? Math.Min(3, beams),
            LengthPenalty = options.LengthPenalty ?? manifest.LengthPenalty,
            MaxNewTokens = options.MaxNewTokens ?? manifest.MaxNewTokens,
            DecoderStartTokenId = config.DecoderStartTokenId,
            EosTokenId = config.EndOfSequenceTokenId,
            PadTokenId = config.PadTokenId,
            Constraint = constraint,
        };
    }
}

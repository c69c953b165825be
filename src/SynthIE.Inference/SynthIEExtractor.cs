using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Facts;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference;

/// <summary>
/// Extracts Wikidata facts from text with a SynthIE model: tokenizes, runs the T5 model exported to ONNX with beam search
/// constrained to the world's names (exactly as transformers 4.23.1 <c>generate</c> with SynthIE's constraint), and parses
/// the output into typed facts. Load once and reuse: loading builds sessions and tries. Thread-safe; dispose to release
/// ONNX Runtime's native resources. <see cref="Dispose"/> may be called at any time from any thread: calls still running
/// stop within one decoding step with <see cref="ObjectDisposedException"/>, and the native resources are released once
/// none is left.
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
    private readonly Generator _generator;
    private readonly SynthIEConstraint? _constraint;
    private readonly FactParser _parser;
    private readonly DecodingOptions _decoding;
    private readonly int _maxInputTokens;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;

    // Dispose may come from any thread at any time: calls count themselves in and out (once per call, not per step),
    // Dispose marks the extractor, cancels the calls in flight through _disposing, waits until none is left, and only
    // then releases the native sessions and mapped tries.
    private readonly CancellationTokenSource _disposing = new();
    private int _activeCalls;
    private int _disposeState;

    private SynthIEExtractor(
        string modelDirectory, SynthIEManifest manifest, T5OnnxModel model, T5Tokenizer tokenizer, World? world,
        Linearization linearization, SynthIEConstraint? constraint, DecodingOptions decoding, int maxInputTokens,
        int maxBatchSize, ILogger logger)
    {
        ModelDirectory = modelDirectory;
        Manifest = manifest;
        _model = model;
        _generator = new Generator(model);
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
    public Linearization Linearization { get; }

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
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="SynthIEExtractorOptions.MaxNumBeams"/> and the other limits there); the message names the option and its value.</exception>
    /// <remarks>Without <see cref="SynthIEExtractorOptions.TrieCacheDirectory"/>, nothing is written outside the model folder
    /// (or the world folder given as <see cref="SynthIEExtractorOptions.WorldDirectory"/>): a world the manifest places
    /// outside the model folder keeps its trie cache in the model folder's <c>.synthie-cache</c>, and cache files are never
    /// written through symbolic links (the tries are then built in memory, and the reason is logged).</remarks>
    public static SynthIEExtractor Create(string modelDirectory, SynthIEExtractorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        options ??= new SynthIEExtractorOptions();
        ILogger logger = options.LoggerFactory?.CreateLogger<SynthIEExtractor>() ?? NullLogger<SynthIEExtractor>.Instance;
        ModelSettings settings = ModelSettings.Resolve(modelDirectory, options, logger);
        World? world = settings.LoadWorld(options, logger);
        SynthIEConstraint? constraint = null;
        T5OnnxModel? model = null;
        try
        {
            constraint = options.Constrained ? settings.CreateConstraint(world, options, logger) : null;
            model = settings.LoadOnnxModel(options);
            DecodingOptions decoding = settings.CreateDecodingOptions(constraint);
            if (logger.IsEnabled(LogLevel.Information))
            {
                ExtractorLog.Loaded(logger, settings.Manifest.DisplayName ?? Path.GetFileName(settings.Directory), settings.Linearization.Identifier,
                    decoding.NumBeams, decoding.LengthPenalty, constraint is not null, options.Device.ToString());
            }

            return new SynthIEExtractor(settings.Directory, settings.Manifest, model, settings.Tokenizer, world, settings.Linearization, constraint,
                decoding, settings.MaxInputTokens, options.MaxBatchSize, logger);
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
    /// <exception cref="ObjectDisposedException">The extractor was disposed before or during the call.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ModelLoadException">ONNX Runtime failed to run one of the model's graphs (its message is kept whole, on one line).</exception>
    public IReadOnlyList<ExtractionResult> ExtractBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        EnterCall();
        CancellationTokenSource? linked = null;
        try
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            return ExtractBatchCore(texts, linked.Token);
        }
        catch (OperationCanceledException error) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException($"{nameof(SynthIEExtractor)} was disposed while this call was running.", error);
        }
        finally
        {
            linked?.Dispose();
            Interlocked.Decrement(ref _activeCalls);
        }
    }

    private ExtractionResult[] ExtractBatchCore(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
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
    /// <remarks>Safe to call at any time, from any thread, more than once: calls in flight are cancelled (they end with
    /// <see cref="ObjectDisposedException"/> within one decoding step) and waited for before anything is released.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeState, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        SpinWait.SpinUntil(() => Volatile.Read(ref _activeCalls) == 0);
        _model.Dispose();
        _constraint?.Dispose();
        _disposing.Dispose();
    }

    /// <summary>Counts a call in, or throws when the extractor is disposed (the counterpart is in the call's finally).</summary>
    private void EnterCall()
    {
        // Both sides use full fences (Interlocked): either Dispose sees this call counted, or this call sees the mark.
        Interlocked.Increment(ref _activeCalls);
        if (Volatile.Read(ref _disposeState) != 0)
        {
            Interlocked.Decrement(ref _activeCalls);
            throw new ObjectDisposedException(nameof(SynthIEExtractor));
        }
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
}

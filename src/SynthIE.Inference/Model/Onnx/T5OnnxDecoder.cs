using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Drives the T5 decoder graphs a token at a time with a key/value cache, for rows = batch items × beams: the step itself.
/// Which row lives where is a <see cref="DecoderRowMap"/>'s business, the tensors kept between steps a
/// <see cref="T5KeyValueCache"/>'s.
/// </summary>
/// <remarks>
/// <para>Rows are logical: <see cref="Reorder"/> only composes the row map, and the cache arranges its tensors once, right
/// before the next <see cref="Step"/>, in place (see <see cref="DecoderRowMap.ArrangeInPlace"/>); the step's tokens and
/// logits follow the map. Nothing is gathered into logical order.</para>
/// <para>The first step runs one physical row per batch item (all beams of an item start from the same token, so their
/// logits are equal) and copies the logits to the item's rows, as CTranslate2 expands beams after the first step.</para>
/// </remarks>
internal sealed class T5OnnxDecoder : IDecoderSession
{
    private readonly T5OnnxModel _model;
    private readonly T5EncoderOutput _encoder;
    private readonly T5OnnxNames _names;
    private readonly DecoderRowMap _rows;
    private readonly T5KeyValueCache _cache;
    private readonly OrtValue[] _stepInputs;
    private readonly OrtValue[] _firstInputs;
    private OrtValue? _useCache; // the merged decoder's use_cache_branch = true, for every step after the first
    private bool _disposed;

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder output, with the run options and observer of its batch (the caller keeps
    /// ownership and must keep it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    public T5OnnxDecoder(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem)
    {
        _model = model;
        _encoder = encoder;
        _names = model.Names;
        VocabularySize = model.Config.VocabularySize;
        _rows = new DecoderRowMap(encoder.ItemCount, rowsPerItem);
        _cache = new T5KeyValueCache(model.Config, model.DecoderInputAllocator, encoder);
        _stepInputs = new OrtValue[_names.StepInputs.Length];
        _firstInputs = new OrtValue[_names.FirstStepInputs.Length];
    }

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int RowCount => _rows.RowCount;

    /// <summary>Gets the number of tokens already in the cache.</summary>
    public int PastLength => _cache.PastLength;

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tokens.Length != RowCount)
        {
            throw new ArgumentException($"Expected one token for each of the {RowCount} rows, got {tokens.Length}.", nameof(tokens));
        }

        if (logits.Length < RowCount * VocabularySize)
        {
            throw new ArgumentException($"The logits buffer holds {logits.Length} floats; {RowCount} rows × {VocabularySize} are needed.", nameof(logits));
        }

        if (_cache.IsStarted)
        {
            NextStep(tokens, logits);
        }
        else
        {
            FirstStep(tokens, logits);
        }
    }

    /// <inheritdoc/>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _rows.Reorder(sourceRows);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _cache.Dispose();
        _useCache?.Dispose();
    }

    private void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        // One physical row per distinct item, in order of first appearance.
        int rows = _rows.MapFirstStep(tokens);
        using OrtValue ids = NewIds(tokens, rows);
        (OrtValue hidden, OrtValue mask) = _cache.GatherEncoderStates(_rows.PhysicalItems);
        var emptyPast = new List<OrtValue>();
        try
        {
            _firstInputs[0] = mask;
            _firstInputs[1] = ids;
            _firstInputs[2] = hidden;
            InferenceSession session;
            if (_model.MergedDecoder is not null)
            {
                session = _model.MergedDecoder;
                for (int i = 0; i < 4 * _names.Layers; i++)
                {
                    OrtValue empty = _cache.NewTensor(TensorElementType.Float, [rows, _model.Config.HeadCount, 0, _model.Config.HeadDimension]);
                    emptyPast.Add(empty);
                    _firstInputs[3 + i] = empty;
                }

                OrtValue useCache = NewFlag(false);
                emptyPast.Add(useCache);
                _firstInputs[^1] = useCache;
            }
            else
            {
                session = _model.Decoder!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, _names.FirstStepInputs, _firstInputs, _names.FirstStepOutputs);
            CopyLogitsAndRelease(outputs, logits);
            _cache.TakeFirstStepPresents(outputs);
        }
        finally
        {
            hidden.Dispose();
            mask.Dispose();
            foreach (OrtValue value in emptyPast)
            {
                value.Dispose();
            }

            Array.Clear(_firstInputs);
        }
    }

    private void NextStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        _cache.Arrange(_rows);
        using OrtValue ids = NewIds(tokens, RowCount);
        try
        {
            _cache.FillStepInputs(_stepInputs);
            _stepInputs[1] = ids;
            InferenceSession session;
            if (_model.MergedDecoder is not null)
            {
                session = _model.MergedDecoder;
                _useCache ??= NewFlag(true);
                _stepInputs[^1] = _useCache;
            }
            else
            {
                session = _model.DecoderWithPast!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, _names.StepInputs, _stepInputs, _names.StepOutputs);
            CopyLogitsAndRelease(outputs, logits);

            // The new cache rows are in the same physical order as the step's inputs, so the row map stays as it is.
            _cache.TakeStepPresents(outputs);
        }
        finally
        {
            Array.Clear(_stepInputs);
        }
    }

    /// <summary>The step's input ids in physical row order: row r's token goes to the physical row its cache is in.</summary>
    private OrtValue NewIds(ReadOnlySpan<long> tokens, int physicalRows)
    {
        OrtValue ids = _cache.NewTensor(TensorElementType.Int64, [physicalRows, 1]);
        Span<long> idSpan = ids.GetTensorMutableDataAsSpan<long>();
        ReadOnlySpan<int> physical = _rows.PhysicalRows;
        for (int row = 0; row < physical.Length; row++)
        {
            idSpan[physical[row]] = tokens[row];
        }

        return ids;
    }

    private OrtValue NewFlag(bool value)
    {
        OrtValue flag = _cache.NewTensor(TensorElementType.Bool, [1]);
        flag.GetTensorMutableDataAsSpan<bool>()[0] = value;
        return flag;
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        IGenerationObserver? observer = _encoder.Observer;
        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            return session.Run(_encoder.RunOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (_encoder.RunOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled during a decoder step.");
        }
        catch (OnnxRuntimeException error)
        {
            throw _model.RunFailure(session, error);
        }
        finally
        {
            observer?.DecoderStepRan(Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>
    /// Copies the logits output [physicalRows, 1, V] to the logical rows and disposes it. The other outputs (the caches)
    /// are taken over by the cache one by one, so the collection itself is never disposed; on failure all are released.
    /// </summary>
    private void CopyLogitsAndRelease(IDisposableReadOnlyCollection<OrtValue> outputs, Span<float> logits)
    {
        try
        {
            ReadOnlySpan<float> source = outputs[0].GetTensorDataAsSpan<float>();
            ReadOnlySpan<int> physical = _rows.PhysicalRows;
            int v = VocabularySize;
            for (int row = 0; row < physical.Length; row++)
            {
                source.Slice(physical[row] * v, v).CopyTo(logits.Slice(row * v, v));
            }
        }
        catch
        {
            outputs.Dispose();
            throw;
        }

        outputs[0].Dispose();
    }
}

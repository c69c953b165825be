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
/// <para>Rows are logical: <see cref="T5DecoderSession.Reorder"/> only composes the row map, and the cache arranges its tensors once, right
/// before the next <see cref="T5DecoderSession.Step"/>, in place (see <see cref="DecoderRowMap.ArrangeInPlace"/>); the step's tokens and
/// logits follow the map. Nothing is gathered into logical order.</para>
/// <para>The first step runs one physical row per batch item (all beams of an item start from the same token, so their
/// logits are equal) and copies the logits to the item's rows, as CTranslate2 expands beams after the first step.</para>
/// </remarks>
internal sealed class T5OnnxDecoder : T5DecoderSession
{
    private readonly T5KeyValueCache _cache;
    private readonly OrtValue[] _stepInputs;
    private readonly OrtValue[] _firstInputs;
    private OrtValue? _useCache; // the merged decoder's use_cache_branch = true, for every step after the first

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder output, with the run options and observer of its batch (the caller keeps
    /// ownership and must keep it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    public T5OnnxDecoder(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem)
        : base(model, encoder, rowsPerItem)
    {
        _cache = new T5KeyValueCache(model.Config, model.DecoderInputAllocator, encoder);
        _stepInputs = new OrtValue[Names.StepInputs.Length];
        _firstInputs = new OrtValue[Names.FirstStepInputs.Length];
    }

    /// <inheritdoc/>
    public override int PastLength => _cache.PastLength;

    /// <inheritdoc/>
    protected override bool IsStarted => _cache.IsStarted;

    /// <inheritdoc/>
    protected override void ReleaseTensors()
    {
        _cache.Dispose();
        _useCache?.Dispose();
    }

    protected override void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        // One physical row per distinct item, in order of first appearance.
        int rows = Rows.MapFirstStep(tokens);
        using OrtValue ids = NewIds(tokens, rows);
        (OrtValue hidden, OrtValue mask) = _cache.GatherEncoderStates(Rows.PhysicalItems);
        var emptyPast = new List<OrtValue>();
        try
        {
            _firstInputs[0] = mask;
            _firstInputs[1] = ids;
            _firstInputs[2] = hidden;
            InferenceSession session;
            if (Model.MergedDecoder is not null)
            {
                session = Model.MergedDecoder;
                for (int i = 0; i < 4 * Names.Layers; i++)
                {
                    OrtValue empty = _cache.NewTensor(TensorElementType.Float, [rows, Model.Config.HeadCount, 0, Model.Config.HeadDimension]);
                    emptyPast.Add(empty);
                    _firstInputs[3 + i] = empty;
                }

                OrtValue useCache = NewFlag(false);
                emptyPast.Add(useCache);
                _firstInputs[^1] = useCache;
            }
            else
            {
                session = Model.Decoder!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, Names.FirstStepInputs, _firstInputs, Names.FirstStepOutputs);
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

    protected override void NextStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        _cache.Arrange(Rows);
        using OrtValue ids = NewIds(tokens, RowCount);
        try
        {
            _cache.FillStepInputs(_stepInputs);
            _stepInputs[1] = ids;
            InferenceSession session;
            if (Model.MergedDecoder is not null)
            {
                session = Model.MergedDecoder;
                _useCache ??= NewFlag(true);
                _stepInputs[^1] = _useCache;
            }
            else
            {
                session = Model.DecoderWithPast!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, Names.StepInputs, _stepInputs, Names.StepOutputs);
            CopyLogitsAndRelease(outputs, logits);

            // The new cache rows are in the same physical order as the step's inputs, so the row map stays as it is.
            _cache.TakeStepPresents(outputs);
        }
        finally
        {
            Array.Clear(_stepInputs);
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        IGenerationObserver? observer = Encoder.Observer;
        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            return session.Run(Encoder.RunOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (Encoder.RunOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled during a decoder step.");
        }
        catch (OnnxRuntimeException error)
        {
            throw Model.RunFailure(session, error);
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
            CopyLogits(outputs[0], logits);
        }
        catch
        {
            outputs.Dispose();
            throw;
        }

        outputs[0].Dispose();
    }
}

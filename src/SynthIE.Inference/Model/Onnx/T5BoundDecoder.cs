using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// The decoder step of a model loaded with a <see cref="T5DeviceBinding"/>: every tensor kept between steps stays in the
/// device's memory, and only the logits come to the host. Same contract and results as <see cref="T5OnnxDecoder"/>.
/// </summary>
/// <remarks>
/// The self-attention cache is kept in logical row order: before a step whose rows moved (the expansion after the first
/// step, beams continuing other beams, rows leaving) it is gathered on the device by the <see cref="DecoderRowMap"/>'s
/// physical rows, in one run for all layers. The per-row cross-attention cache, encoder states and mask are gathered from
/// the first step's per-item tensors whenever the items behind the rows change (after the first step and when items leave).
/// </remarks>
internal sealed class T5BoundDecoder : IDecoderSession
{
    private readonly T5OnnxModel _model;
    private readonly T5DeviceBinding _binding;
    private readonly T5EncoderOutput _encoder;
    private readonly T5OnnxNames _names;
    private readonly DecoderRowMap _rows;
    private readonly int _cacheTensors;
    private readonly OrtValue[] _stepInputs;

    private OrtValue[]? _self; // [rows, heads, past, d_kv] × 2 × layers, rows in logical order after Arrange
    private OrtValue[]? _perItem; // the first step's cross-attention presents, encoder states and mask, one row per first-step row
    private OrtValue[]? _perRow; // _perItem gathered to the items of _perRowItems
    private int[] _perRowItems = [];
    private readonly Dictionary<InferenceSession, OrtIoBinding> _bindings = new(ReferenceEqualityComparer.Instance);
    private OrtValue? _useCache;
    private bool _disposed;

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model (with <see cref="T5OnnxModel.Binding"/>).</param>
    /// <param name="encoder">The encoder output (the caller keeps ownership and keeps it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    public T5BoundDecoder(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem)
    {
        _model = model;
        _binding = model.Binding ?? throw new ArgumentException("The model was loaded without device binding.", nameof(model));
        _encoder = encoder;
        _names = model.Names;
        _cacheTensors = 2 * _names.Layers;
        VocabularySize = model.Config.VocabularySize;
        _rows = new DecoderRowMap(encoder.ItemCount, rowsPerItem);
        _stepInputs = new OrtValue[_names.StepInputs.Length];
    }

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int RowCount => _rows.RowCount;

    /// <summary>Gets the number of tokens already in the cache.</summary>
    public int PastLength { get; private set; }

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

        IGenerationObserver? observer = _encoder.Observer;
        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            if (_self is null)
            {
                FirstStep(tokens, logits);
            }
            else
            {
                NextStep(tokens, logits);
            }
        }
        finally
        {
            observer?.DecoderStepRan(Stopwatch.GetTimestamp() - start); // the gathers count as ONNX Runtime time of the step
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
        DisposeAll(_self);
        DisposeAll(_perItem?.Where(value => !ReferenceEquals(value, _encoder.HiddenStates)));
        DisposeAll(_perRow);
        _useCache?.Dispose();
        foreach (OrtIoBinding binding in _bindings.Values)
        {
            binding.Dispose();
        }
    }

    private void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        int rows = _rows.MapFirstStep(tokens);
        using OrtValue ids = NewIds(tokens, rows);
        OrtValue hidden = _encoder.HiddenStates; // borrowed: the encoder output owns it
        OrtValue mask = HostTensor(TensorElementType.Int64, [_encoder.ItemCount, _encoder.Length]);
        var extra = new List<OrtValue> { mask };
        try
        {
            _encoder.AttentionMask.CopyTo(mask.GetTensorMutableDataAsSpan<long>());
            if (!IsIdentity(_rows.PhysicalItems, _encoder.ItemCount))
            {
                OrtValue[] gathered = _binding.Gather(_binding.EncoderGather, BindingOf(_binding.EncoderGather), _encoder.RunOptions, [hidden, mask], _rows.PhysicalItems);
                extra.AddRange(gathered);
                (hidden, mask) = (gathered[0], gathered[1]);
            }

            OrtValue[] inputs = new OrtValue[_names.FirstStepInputs.Length];
            inputs[0] = mask;
            inputs[1] = ids;
            inputs[2] = hidden;
            InferenceSession session = _model.MergedDecoder ?? _model.Decoder!;
            if (_model.MergedDecoder is not null)
            {
                for (int i = 0; i < 2 * _cacheTensors; i++)
                {
                    OrtValue empty = HostTensor(TensorElementType.Float, [rows, _model.Config.HeadCount, 0, _model.Config.HeadDimension]);
                    extra.Add(empty);
                    inputs[3 + i] = empty;
                }

                OrtValue flag = NewFlag(false);
                extra.Add(flag);
                inputs[^1] = flag;
            }

            OrtValue[] outputs = Run(session, _names.FirstStepInputs, inputs, _names.FirstStepOutputs);
            using (outputs[0])
            {
                ReadOnlySpan<float> source = outputs[0].GetTensorDataAsSpan<float>();
                ReadOnlySpan<int> physical = _rows.PhysicalRows;
                int v = VocabularySize;
                for (int row = 0; row < physical.Length; row++)
                {
                    source.Slice(physical[row] * v, v).CopyTo(logits.Slice(row * v, v));
                }
            }

            // What the rows are gathered from later, one row per first-step row: cross-attention presents, states, mask.
            _self = outputs[1..(1 + _cacheTensors)];
            _perItem = [.. outputs[(1 + _cacheTensors)..], hidden, mask];
            extra.Remove(hidden);
            extra.Remove(mask);
            PastLength = 1;
        }
        finally
        {
            extra.ForEach(value => value.Dispose());
        }
    }

    private void NextStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        Arrange();
        using OrtValue ids = NewIds(tokens, RowCount);
        _stepInputs[0] = _perRow![_cacheTensors + 1];
        _stepInputs[1] = ids;
        _stepInputs[2] = _perRow[_cacheTensors];
        for (int i = 0; i < _cacheTensors; i++)
        {
            _stepInputs[3 + i] = _self![i];
            _stepInputs[3 + _cacheTensors + i] = _perRow[i];
        }

        InferenceSession session = _model.DecoderWithPast ?? _model.MergedDecoder!;
        if (_model.MergedDecoder is not null)
        {
            _useCache ??= NewFlag(true);
            _stepInputs[^1] = _useCache;
        }

        OrtValue[] outputs;
        try
        {
            outputs = Run(session, _names.StepInputs, _stepInputs, _names.StepOutputs);
        }
        finally
        {
            Array.Clear(_stepInputs);
        }

        using (outputs[0])
        {
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(logits); // rows are in logical order
        }

        DisposeAll(_self);
        _self = outputs[1..];
        PastLength++;
    }

    /// <summary>Puts the self-attention cache rows into logical order and makes the per-row tensors match their items.</summary>
    private void Arrange()
    {
        if (_rows.PhysicalRowCount != _rows.RowCount || !IsIdentity(_rows.PhysicalRows, _rows.RowCount))
        {
            OrtValue[] moved = _binding.Gather(_binding.SelfGather, BindingOf(_binding.SelfGather), _encoder.RunOptions, _self!, _rows.PhysicalRows);
            DisposeAll(_self);
            _self = moved;
            _rows.ExpandToLogicalOrder();
        }

        ReadOnlySpan<int> items = _rows.PhysicalItems;
        if (_perRow is not null && items.SequenceEqual(_perRowItems))
        {
            return;
        }

        int[] sources = new int[items.Length];
        for (int r = 0; r < items.Length; r++)
        {
            sources[r] = _rows.FirstStepRowOfItem[items[r]];
        }

        OrtValue[] perRow = _binding.Gather(_binding.RowGather, BindingOf(_binding.RowGather), _encoder.RunOptions, _perItem!, sources);
        DisposeAll(_perRow);
        _perRow = perRow;
        _perRowItems = items.ToArray();
    }

    private OrtValue[] Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        try
        {
            return T5DeviceBinding.Run(session, BindingOf(session), _encoder.RunOptions, inputNames, inputs, outputNames, _binding.DeviceMemory, firstOutputOnHost: true);
        }
        catch (OnnxRuntimeException) when (_encoder.RunOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled during a decoder step.");
        }
        catch (OnnxRuntimeException error)
        {
            throw _model.RunFailure(session, error);
        }
    }

    /// <summary>The decoder's binding of <paramref name="session"/>, created at its first run and reused by the later ones.</summary>
    private OrtIoBinding BindingOf(InferenceSession session)
    {
        if (!_bindings.TryGetValue(session, out OrtIoBinding? binding))
        {
            binding = session.CreateIoBinding();
            _bindings.Add(session, binding);
        }

        return binding;
    }

    /// <summary>The step's input ids in physical row order (host memory; ONNX Runtime copies them to the device).</summary>
    private OrtValue NewIds(ReadOnlySpan<long> tokens, int physicalRows)
    {
        OrtValue ids = HostTensor(TensorElementType.Int64, [physicalRows, 1]);
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
        OrtValue flag = HostTensor(TensorElementType.Bool, [1]);
        flag.GetTensorMutableDataAsSpan<bool>()[0] = value;
        return flag;
    }

    private OrtValue HostTensor(TensorElementType type, long[] shape) => OrtValue.CreateAllocatedTensorValue(_model.DecoderInputAllocator, type, shape);

    private static bool IsIdentity(ReadOnlySpan<int> rows, int count)
    {
        if (rows.Length != count)
        {
            return false;
        }

        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r] != r)
            {
                return false;
            }
        }

        return true;
    }

    private static void DisposeAll(IEnumerable<OrtValue>? values)
    {
        if (values is not null)
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }
}

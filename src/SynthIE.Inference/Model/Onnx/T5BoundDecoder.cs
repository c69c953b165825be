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
internal sealed class T5BoundDecoder : T5DecoderSession
{
    private readonly T5DeviceBinding _binding;
    private readonly int _cacheTensors;
    private readonly OrtValue[] _stepInputs;
    private readonly Dictionary<InferenceSession, OrtIoBinding> _bindings = new(ReferenceEqualityComparer.Instance);

    private OrtValue[]? _self; // [rows, heads, past, d_kv] × 2 × layers, rows in logical order after Arrange
    private OrtValue[]? _perItem; // the first step's cross-attention presents, encoder states and mask, one row per first-step row
    private OrtValue[]? _perRow; // _perItem gathered to the items of _perRowItems
    private int[] _perRowItems = [];
    private OrtValue? _useCache;
    private int _pastLength;

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model (with <see cref="T5OnnxModel.Binding"/>).</param>
    /// <param name="encoder">The encoder output (the caller keeps ownership and keeps it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    public T5BoundDecoder(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem)
        : base(model, encoder, rowsPerItem)
    {
        _binding = model.Binding ?? throw new ArgumentException("The model was loaded without device binding.", nameof(model));
        _cacheTensors = 2 * Names.Layers;
        _stepInputs = new OrtValue[Names.StepInputs.Length];
    }

    /// <inheritdoc/>
    public override int PastLength => _pastLength;

    /// <inheritdoc/>
    protected override bool IsStarted => _self is not null;

    /// <inheritdoc/>
    protected override bool ObservesWholeStep => true; // the gathers count as ONNX Runtime time of the step

    /// <inheritdoc/>
    protected override void ReleaseTensors()
    {
        DisposeAll(_self);
        DisposeAll(_perItem?.Where(value => !ReferenceEquals(value, Encoder.HiddenStates)));
        DisposeAll(_perRow);
        _useCache?.Dispose();
        foreach (OrtIoBinding binding in _bindings.Values)
        {
            binding.Dispose();
        }
    }

    protected override void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        int rows = Rows.MapFirstStep(tokens);
        using OrtValue ids = NewIds(tokens, rows);
        OrtValue hidden = Encoder.HiddenStates; // borrowed: the encoder output owns it
        OrtValue mask = HostTensor(TensorElementType.Int64, [Encoder.ItemCount, Encoder.Length]);
        var extra = new List<OrtValue> { mask };
        try
        {
            Encoder.AttentionMask.CopyTo(mask.GetTensorMutableDataAsSpan<long>());
            if (!IsIdentity(Rows.PhysicalItems, Encoder.ItemCount))
            {
                OrtValue[] gathered = _binding.Gather(_binding.EncoderGather, BindingOf(_binding.EncoderGather), Encoder.RunOptions, [hidden, mask], Rows.PhysicalItems);
                extra.AddRange(gathered);
                (hidden, mask) = (gathered[0], gathered[1]);
            }

            OrtValue[] inputs = new OrtValue[Names.FirstStepInputs.Length];
            inputs[0] = mask;
            inputs[1] = ids;
            inputs[2] = hidden;
            InferenceSession session = Model.MergedDecoder ?? Model.Decoder!;
            if (Model.MergedDecoder is not null)
            {
                for (int i = 0; i < 2 * _cacheTensors; i++)
                {
                    OrtValue empty = HostTensor(TensorElementType.Float, [rows, Model.Config.HeadCount, 0, Model.Config.HeadDimension]);
                    extra.Add(empty);
                    inputs[3 + i] = empty;
                }

                OrtValue flag = NewFlag(false);
                extra.Add(flag);
                inputs[^1] = flag;
            }

            OrtValue[] outputs = Run(session, Names.FirstStepInputs, inputs, Names.FirstStepOutputs);
            TakeLogits(outputs, logits);

            // What the rows are gathered from later, one row per first-step row: cross-attention presents, states, mask.
            _self = outputs[1..(1 + _cacheTensors)];
            _perItem = [.. outputs[(1 + _cacheTensors)..], hidden, mask];
            extra.Remove(hidden);
            extra.Remove(mask);
            _pastLength = 1;
        }
        finally
        {
            extra.ForEach(value => value.Dispose());
        }
    }

    protected override void NextStep(ReadOnlySpan<long> tokens, Span<float> logits)
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

        InferenceSession session = Model.DecoderWithPast ?? Model.MergedDecoder!;
        if (Model.MergedDecoder is not null)
        {
            _useCache ??= NewFlag(true);
            _stepInputs[^1] = _useCache;
        }

        OrtValue[] outputs;
        try
        {
            outputs = Run(session, Names.StepInputs, _stepInputs, Names.StepOutputs);
        }
        finally
        {
            Array.Clear(_stepInputs);
        }

        TakeLogits(outputs, logits); // rows are in logical order: the map is the identity

        DisposeAll(_self);
        _self = outputs[1..];
        _pastLength++;
    }

    /// <summary>Puts the self-attention cache rows into logical order and makes the per-row tensors match their items.</summary>
    private void Arrange()
    {
        if (Rows.PhysicalRowCount != Rows.RowCount || !IsIdentity(Rows.PhysicalRows, Rows.RowCount))
        {
            OrtValue[] moved = _binding.Gather(_binding.SelfGather, BindingOf(_binding.SelfGather), Encoder.RunOptions, _self!, Rows.PhysicalRows);
            DisposeAll(_self);
            _self = moved;
            Rows.ExpandToLogicalOrder();
        }

        ReadOnlySpan<int> items = Rows.PhysicalItems;
        if (_perRow is not null && items.SequenceEqual(_perRowItems))
        {
            return;
        }

        int[] sources = new int[items.Length];
        for (int r = 0; r < items.Length; r++)
        {
            sources[r] = Rows.FirstStepRowOfItem[items[r]];
        }

        OrtValue[] perRow = _binding.Gather(_binding.RowGather, BindingOf(_binding.RowGather), Encoder.RunOptions, _perItem!, sources);
        DisposeAll(_perRow);
        _perRow = perRow;
        _perRowItems = items.ToArray();
    }

    private OrtValue[] Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        try
        {
            return T5DeviceBinding.Run(session, BindingOf(session), Encoder.RunOptions, inputNames, inputs, outputNames, _binding.DeviceMemory, firstOutputOnHost: true);
        }
        catch (OnnxRuntimeException) when (Encoder.RunOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled during a decoder step.");
        }
        catch (OnnxRuntimeException error)
        {
            throw Model.RunFailure(session, error);
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

    /// <summary>Copies the logits (output 0) to the logical rows and disposes them; if that fails, every output is disposed.</summary>
    private void TakeLogits(OrtValue[] outputs, Span<float> logits)
    {
        try
        {
            CopyLogits(outputs[0], logits);
        }
        catch
        {
            DisposeAll(outputs);
            throw;
        }

        outputs[0].Dispose();
    }

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

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Owns the decoder's input tensors that persist between steps, for one encoded batch: the self-attention cache
/// (2 × layers tensors [physicalRows, heads, pastLength, headDim], replaced by each step's presents), the cross-attention
/// cache of the first step (one row per item, kept for the whole batch), and the per-row tensors built from it and from the
/// encoder output (cross-attention keys/values, encoder states, encoder mask, one row per physical row). Moves their rows
/// as a <see cref="DecoderRowMap"/> says, and disposes them. Where these tensors live is decided here alone (today CPU
/// memory from the decoder session's arena).
/// </summary>
/// <remarks>
/// The per-row tensors are built once, when the beams are expanded after the first step; afterwards a row's copy moves with
/// its self-attention cache row, and only when it lands on a row of another item. When rows leave (finished items), the
/// tensors are not reallocated: ONNX Runtime gets views of their first rows, and the tensors that own the memory are kept
/// until they are replaced or disposed.
/// </remarks>
internal sealed class T5KeyValueCache : IDisposable
{
    private readonly OrtAllocator _allocator;
    private readonly T5EncoderOutput _encoder;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _modelDim;
    private readonly int _tensorsPerKind;

    // Self-attention cache; when rows left, views of the first rows of the owners (which are disposed with them).
    private OrtValue[]? _self;
    private OrtValue?[]? _selfOwners;

    // Cross-attention cache from the first step, one row per item (DecoderRowMap.FirstStepRowOfItem).
    private OrtValue[]? _crossSource;

    // Row-level tensors matching _rowTensorsItems (the item of each physical row): cross cache, encoder states, encoder
    // mask; when rows left, views of the first rows of their owners.
    private OrtValue[]? _rowCross;
    private OrtValue?[]? _rowCrossOwners;
    private OrtValue? _rowHidden;
    private OrtValue? _rowHiddenOwner;
    private OrtValue? _rowMask;
    private OrtValue? _rowMaskOwner;
    private int[] _rowTensorsItems = [];

    /// <summary>Initializes an empty cache for a batch.</summary>
    /// <param name="config">The model's configuration (layers, heads, dimensions).</param>
    /// <param name="allocator">The allocator of the decoder's input tensors.</param>
    /// <param name="encoder">The encoder output (the caller keeps ownership and keeps it alive).</param>
    public T5KeyValueCache(T5ModelConfig config, OrtAllocator allocator, T5EncoderOutput encoder)
    {
        _allocator = allocator;
        _encoder = encoder;
        _heads = config.HeadCount;
        _headDim = config.HeadDimension;
        _modelDim = config.ModelDimension;
        _tensorsPerKind = 2 * config.DecoderLayerCount;
    }

    /// <summary>Gets a value indicating whether the first step's presents were taken.</summary>
    public bool IsStarted => _self is not null;

    /// <summary>Gets the number of tokens in the cache.</summary>
    public int PastLength { get; private set; }

    /// <summary>Allocates a decoder input tensor.</summary>
    /// <param name="type">The element type.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor, owned by the caller.</returns>
    public OrtValue NewTensor(TensorElementType type, long[] shape) => OrtValue.CreateAllocatedTensorValue(_allocator, type, shape);

    /// <summary>Copies the encoder states and mask of <paramref name="items"/>, one row each.</summary>
    /// <param name="items">The item of each row.</param>
    /// <returns>The states [rows, length, d_model] and mask [rows, length], owned by the caller.</returns>
    public (OrtValue Hidden, OrtValue Mask) GatherEncoderStates(ReadOnlySpan<int> items)
    {
        int length = _encoder.Length;
        int hiddenFloats = length * _modelDim;
        OrtValue hidden = NewTensor(TensorElementType.Float, [items.Length, length, _modelDim]);
        OrtValue mask = NewTensor(TensorElementType.Int64, [items.Length, length]);
        ReadOnlySpan<float> sourceHidden = _encoder.HiddenStates.GetTensorDataAsSpan<float>();
        Span<float> targetHidden = hidden.GetTensorMutableDataAsSpan<float>();
        Span<long> targetMask = mask.GetTensorMutableDataAsSpan<long>();
        for (int row = 0; row < items.Length; row++)
        {
            sourceHidden.Slice(items[row] * hiddenFloats, hiddenFloats).CopyTo(targetHidden.Slice(row * hiddenFloats, hiddenFloats));
            _encoder.AttentionMask.AsSpan(items[row] * length, length).CopyTo(targetMask.Slice(row * length, length));
        }

        return (hidden, mask);
    }

    /// <summary>Takes over the first step's presents (outputs 1.. of <see cref="T5OnnxNames.FirstStepOutputs"/>).</summary>
    /// <param name="outputs">The step's outputs; the logits (output 0) stay with the caller.</param>
    public void TakeFirstStepPresents(IReadOnlyList<OrtValue> outputs)
    {
        _self = new OrtValue[_tensorsPerKind];
        _crossSource = new OrtValue[_tensorsPerKind];
        for (int i = 0; i < _tensorsPerKind; i++)
        {
            _self[i] = outputs[1 + i];
            _crossSource[i] = outputs[1 + _tensorsPerKind + i];
        }

        PastLength++;
    }

    /// <summary>Replaces the self-attention cache by a later step's presents (outputs 1.. of <see cref="T5OnnxNames.StepOutputs"/>).</summary>
    /// <param name="outputs">The step's outputs; the logits (output 0) stay with the caller.</param>
    public void TakeStepPresents(IReadOnlyList<OrtValue> outputs)
    {
        for (int i = 0; i < _tensorsPerKind; i++)
        {
            _self![i].Dispose();
            _selfOwners?[i]?.Dispose();
            _self[i] = outputs[1 + i];
        }

        _selfOwners = null;
        PastLength++;
    }

    /// <summary>
    /// Before a later step: arranges the physical rows as <paramref name="rows"/> says (gathering them into logical order
    /// when there are more rows than before, in place otherwise) and makes the per-row tensors match the items behind them.
    /// </summary>
    /// <param name="rows">The row map (updated).</param>
    public void Arrange(DecoderRowMap rows)
    {
        if (rows.RowCount > rows.PhysicalRowCount)
        {
            GatherSelf(rows.PhysicalRows); // more rows than the cache has: the expansion after the first step
            rows.ExpandToLogicalOrder();
        }
        else
        {
            int before = rows.PhysicalRowCount;
            Move(rows.ArrangeInPlace());
            if (rows.PhysicalRowCount < before)
            {
                Shrink(rows.PhysicalRowCount);
            }
        }

        EnsureRowTensors(rows.PhysicalItems, rows.FirstStepRowOfItem);
    }

    /// <summary>
    /// Puts the step inputs this cache owns into <paramref name="inputs"/>, in <see cref="T5OnnxNames.StepInputs"/> order:
    /// all but the decoder's input ids (index 1) and the merged decoder's branch flag (the last).
    /// </summary>
    /// <param name="inputs">The step's inputs.</param>
    public void FillStepInputs(OrtValue[] inputs)
    {
        inputs[0] = _rowMask!;
        inputs[2] = _rowHidden!;
        for (int i = 0; i < _tensorsPerKind; i++)
        {
            inputs[3 + i] = _self![i];
            inputs[3 + _tensorsPerKind + i] = _rowCross![i];
        }
    }

    public void Dispose()
    {
        DisposeAll(_self);
        DisposeAll(_selfOwners);
        DisposeAll(_crossSource);
        DisposeRowTensors();
        _self = null;
        _selfOwners = null;
        _crossSource = null;
    }

    /// <summary>Makes the row copies an in-place arrangement asks for (in any order, see <see cref="DecoderRowMap.ArrangeInPlace"/>).</summary>
    private void Move(ReadOnlySpan<RowMove> moves)
    {
        bool rowTensors = _rowCross is not null;
        int selfFloats = _heads * PastLength * _headDim;
        int crossFloats = _heads * _encoder.Length * _headDim;
        foreach (RowMove move in moves)
        {
            (int from, int to) = (move.From, move.To);
            foreach (OrtValue cache in _self!)
            {
                CopyRow(cache.GetTensorMutableDataAsSpan<float>(), from, to, selfFloats);
            }

            if (rowTensors && _rowTensorsItems[to] != _rowTensorsItems[from])
            {
                foreach (OrtValue cross in _rowCross!)
                {
                    CopyRow(cross.GetTensorMutableDataAsSpan<float>(), from, to, crossFloats);
                }

                CopyRow(_rowHidden!.GetTensorMutableDataAsSpan<float>(), from, to, _encoder.Length * _modelDim);
                CopyRow(_rowMask!.GetTensorMutableDataAsSpan<long>(), from, to, _encoder.Length);
                _rowTensorsItems[to] = _rowTensorsItems[from];
            }
        }

        static void CopyRow<T>(Span<T> tensor, int from, int to, int rowLength)
            => tensor.Slice(from * rowLength, rowLength).CopyTo(tensor.Slice(to * rowLength, rowLength));
    }

    /// <summary>Replaces every per-row tensor by a view of its first <paramref name="rows"/> rows (no copy).</summary>
    private void Shrink(int rows)
    {
        _selfOwners ??= new OrtValue?[_self!.Length];
        for (int t = 0; t < _self!.Length; t++)
        {
            _self[t] = FirstRows(ref _selfOwners[t], _self[t], TensorElementType.Float, [rows, _heads, PastLength, _headDim]);
        }

        if (_rowCross is not null)
        {
            int length = _encoder.Length;
            _rowCrossOwners ??= new OrtValue?[_rowCross.Length];
            for (int t = 0; t < _rowCross.Length; t++)
            {
                _rowCross[t] = FirstRows(ref _rowCrossOwners[t], _rowCross[t], TensorElementType.Float, [rows, _heads, length, _headDim]);
            }

            _rowHidden = FirstRows(ref _rowHiddenOwner, _rowHidden!, TensorElementType.Float, [rows, length, _modelDim]);
            _rowMask = FirstRows(ref _rowMaskOwner, _rowMask!, TensorElementType.Int64, [rows, length]);
            _rowTensorsItems = _rowTensorsItems[..rows];
        }
    }

    /// <summary>
    /// A view of the first rows of <paramref name="current"/>'s memory with <paramref name="shape"/>. The tensor that owns
    /// the memory is kept in <paramref name="owner"/> (and disposed with the view); an earlier view is disposed.
    /// </summary>
    private static unsafe OrtValue FirstRows(ref OrtValue? owner, OrtValue current, TensorElementType type, long[] shape)
    {
        if (owner is null)
        {
            owner = current;
        }
        else
        {
            current.Dispose();
        }

        Span<byte> memory = owner.GetTensorMutableRawData();
        long bytes = (type == TensorElementType.Int64 ? sizeof(long) : sizeof(float)) * shape.Aggregate(1L, (product, dimension) => product * dimension);
        fixed (byte* data = memory)
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, (IntPtr)data, bytes);
        }
    }

    /// <summary>Gathers the self-attention cache rows into logical order: new row <c>r</c> is old row <c>sources[r]</c>.</summary>
    private void GatherSelf(ReadOnlySpan<int> sources)
    {
        int rowFloats = _heads * PastLength * _headDim;
        for (int t = 0; t < _self!.Length; t++)
        {
            OrtValue gathered = NewTensor(TensorElementType.Float, [sources.Length, _heads, PastLength, _headDim]);
            ReadOnlySpan<float> source = _self[t].GetTensorDataAsSpan<float>();
            Span<float> target = gathered.GetTensorMutableDataAsSpan<float>();
            for (int row = 0; row < sources.Length; row++)
            {
                source.Slice(sources[row] * rowFloats, rowFloats).CopyTo(target.Slice(row * rowFloats, rowFloats));
            }

            _self[t].Dispose();
            _selfOwners?[t]?.Dispose();
            _self[t] = gathered;
        }

        _selfOwners = null;
    }

    /// <summary>Makes the cross-attention cache, encoder states and mask match the items behind the physical rows.</summary>
    private void EnsureRowTensors(ReadOnlySpan<int> physicalItems, ReadOnlySpan<int> crossRowOfItem)
    {
        if (_rowTensorsItems.AsSpan().SequenceEqual(physicalItems))
        {
            return;
        }

        DisposeRowTensors();
        int[] items = physicalItems.ToArray();
        (_rowHidden, _rowMask) = GatherEncoderStates(items);
        int length = _encoder.Length;
        int rowFloats = _heads * length * _headDim;
        _rowCross = new OrtValue[_tensorsPerKind];
        for (int t = 0; t < _rowCross.Length; t++)
        {
            OrtValue gathered = NewTensor(TensorElementType.Float, [items.Length, _heads, length, _headDim]);
            ReadOnlySpan<float> source = _crossSource![t].GetTensorDataAsSpan<float>();
            Span<float> target = gathered.GetTensorMutableDataAsSpan<float>();
            for (int row = 0; row < items.Length; row++)
            {
                source.Slice(crossRowOfItem[items[row]] * rowFloats, rowFloats).CopyTo(target.Slice(row * rowFloats, rowFloats));
            }

            _rowCross[t] = gathered;
        }

        _rowTensorsItems = items;
    }

    private void DisposeRowTensors()
    {
        DisposeAll(_rowCross);
        DisposeAll(_rowCrossOwners);
        _rowHidden?.Dispose();
        _rowHiddenOwner?.Dispose();
        _rowMask?.Dispose();
        _rowMaskOwner?.Dispose();
        _rowCross = null;
        _rowCrossOwners = null;
        _rowHidden = _rowHiddenOwner = _rowMask = _rowMaskOwner = null;
    }

    private static void DisposeAll(OrtValue?[]? values)
    {
        if (values is null)
        {
            return;
        }

        foreach (OrtValue? value in values)
        {
            value?.Dispose();
        }
    }
}

using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Drives the T5 decoder graphs a token at a time with a key/value cache, for rows = batch items × beams.
/// </summary>
/// <remarks>
/// <para>Rows are logical: <see cref="Reorder"/> only composes a map from logical rows to physical rows, and the tensors
/// are arranged once, right before the next <see cref="Step"/>, in place: every physical row that some logical row
/// continues stays where it is if it is still inside the new row count; only a row continued more than once, or one beyond
/// the new row count (when rows leave: finished items), is copied, into a row that no logical row continues; the step's
/// tokens and logits follow the map. When rows leave, the tensors are not reallocated: ONNX Runtime gets views of their
/// first rows. Nothing is gathered into logical order.</para>
/// <para>The first step runs one physical row per batch item (all beams of an item start from the same token, so their
/// logits are equal) and copies the logits to the item's rows, as CTranslate2 expands beams after the first step.</para>
/// <para>The per-row tensors that depend only on the batch item (cross-attention keys/values, encoder states and mask) are
/// built once, when the beams are expanded after the first step; afterwards a row's copy moves with its self-attention
/// cache row, and only when it lands on a row of another item.</para>
/// </remarks>
internal sealed class T5OnnxDecoder : IDecoderStep, IDisposable
{
    private readonly T5OnnxModel _model;
    private readonly T5EncoderOutput _encoder;
    private readonly RunOptions _runOptions;
    private readonly GenerationStatistics? _statistics;
    private readonly int _layers;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _modelDim;
    private readonly string[] _stepInputNames;
    private readonly string[] _stepOutputNames;
    private readonly string[] _firstInputNames;
    private readonly string[] _firstOutputNames;
    private readonly OrtValue[] _stepInputs;
    private readonly OrtValue[] _firstInputs;

    // Logical rows (double-buffered so that Reorder allocates nothing).
    private int[] _rowItem;
    private int[] _rowSource; // logical row -> physical row of _selfCache
    private int[] _spareRowItem;
    private int[] _spareRowSource;
    private int _rowCount;

    // The item behind each physical row (always _physicalRowItem[_rowSource[r]] == _rowItem[r]), and scratch for arranging
    // the rows in place.
    private int[] _physicalRowItem;
    private bool[] _physicalRowTaken;
    private int[] _arrangedSource;

    // Self-attention cache from the last step: 2 × layers tensors [physicalRows, heads, pastLength, headDim]; when rows
    // left, views of the first rows of the owners (which are disposed with them).
    private OrtValue[]? _selfCache;
    private OrtValue?[]? _selfCacheOwners;
    private int _physicalRows;
    private int _pastLength;

    // Cross-attention cache from the first step: 2 × layers tensors [crossRows, heads, encoderLength, headDim], and the row of each item.
    private OrtValue[]? _crossSource;
    private int[]? _crossRowOfItem;

    // Row-level tensors matching _rowTensorsItems (the item of each physical row): cross cache, encoder states, encoder
    // mask; when rows left, views of the first rows of their owners.
    private OrtValue[]? _rowCross;
    private OrtValue?[]? _rowCrossOwners;
    private OrtValue? _rowHidden;
    private OrtValue? _rowHiddenOwner;
    private OrtValue? _rowMask;
    private OrtValue? _rowMaskOwner;
    private int[] _rowTensorsItems = [];
    private bool _disposed;

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder output (the caller keeps ownership and must keep it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    /// <param name="runOptions">Run options (for cancellation; the caller keeps ownership).</param>
    /// <param name="statistics">Receives the time spent inside ONNX Runtime, or <see langword="null"/>.</param>
    public T5OnnxDecoder(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem, RunOptions runOptions, GenerationStatistics? statistics = null)
    {
        _statistics = statistics;
        _model = model;
        _encoder = encoder;
        _runOptions = runOptions;
        _layers = model.Config.DecoderLayerCount;
        _heads = model.Config.HeadCount;
        _headDim = model.Config.HeadDimension;
        _modelDim = model.Config.ModelDimension;
        VocabularySize = model.Config.VocabularySize;

        _rowCount = encoder.ItemCount * rowsPerItem;
        _rowItem = new int[_rowCount];
        _rowSource = new int[_rowCount];
        _spareRowItem = new int[_rowCount];
        _spareRowSource = new int[_rowCount];
        _physicalRowItem = new int[_rowCount];
        _physicalRowTaken = new bool[_rowCount];
        _arrangedSource = new int[_rowCount];
        for (int i = 0; i < _rowCount; i++)
        {
            _rowItem[i] = i / rowsPerItem;
        }

        bool merged = model.MergedDecoder is not null;
        var selfPresents = new List<string>();
        var crossPresents = new List<string>();
        var selfPast = new List<string>();
        var crossPast = new List<string>();
        for (int layer = 0; layer < _layers; layer++)
        {
            foreach (string kind in new[] { "key", "value" })
            {
                selfPresents.Add(T5OnnxModel.PresentName(layer, "decoder", kind));
                crossPresents.Add(T5OnnxModel.PresentName(layer, "encoder", kind));
                selfPast.Add(T5OnnxModel.PastName(layer, "decoder", kind));
                crossPast.Add(T5OnnxModel.PastName(layer, "encoder", kind));
            }
        }

        string[] common = ["encoder_attention_mask", "input_ids", "encoder_hidden_states"];
        _stepInputNames = merged ? [.. common, .. selfPast, .. crossPast, "use_cache_branch"] : [.. common, .. selfPast, .. crossPast];
        _firstInputNames = merged ? _stepInputNames : common;
        _stepOutputNames = ["logits", .. selfPresents];
        _firstOutputNames = ["logits", .. selfPresents, .. crossPresents];
        _stepInputs = new OrtValue[_stepInputNames.Length];
        _firstInputs = new OrtValue[_firstInputNames.Length];
    }

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int RowCount => _rowCount;

    /// <summary>Gets the number of tokens already in the cache.</summary>
    public int PastLength => _pastLength;

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tokens.Length != _rowCount)
        {
            throw new ArgumentException($"Expected one token for each of the {_rowCount} rows, got {tokens.Length}.", nameof(tokens));
        }

        if (logits.Length < _rowCount * VocabularySize)
        {
            throw new ArgumentException($"The logits buffer holds {logits.Length} floats; {_rowCount} rows × {VocabularySize} are needed.", nameof(logits));
        }

        if (_selfCache is null)
        {
            FirstStep(tokens, logits);
        }
        else
        {
            NextStep(tokens, logits);
        }

        _pastLength++;
    }

    /// <inheritdoc/>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sourceRows.Length > _spareRowItem.Length)
        {
            // More rows than the decoder started with (the searches never do this): grow the row buffers.
            _spareRowItem = new int[sourceRows.Length];
            _spareRowSource = new int[sourceRows.Length];
            _arrangedSource = new int[sourceRows.Length];
            _physicalRowTaken = new bool[Math.Max(_physicalRowTaken.Length, sourceRows.Length)];
            Array.Resize(ref _physicalRowItem, Math.Max(_physicalRowItem.Length, sourceRows.Length));
        }

        int[] items = _spareRowItem;
        int[] sources = _spareRowSource;
        for (int i = 0; i < sourceRows.Length; i++)
        {
            int from = sourceRows[i];
            if ((uint)from >= (uint)_rowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(sourceRows), $"Row {from} does not exist (there are {_rowCount}).");
            }

            items[i] = _rowItem[from];
            sources[i] = _rowSource[from];
        }

        (_spareRowItem, _spareRowSource) = (_rowItem, _rowSource);
        _rowItem = items;
        _rowSource = sources;
        _rowCount = sourceRows.Length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeAll(_selfCache);
        DisposeAll(_selfCacheOwners);
        DisposeAll(_crossSource);
        DisposeRowTensors();
    }

    private void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        // One physical row per distinct item, in order of first appearance; every row of an item must start from the same token.
        var physicalItems = new List<int>();
        var physicalOfItem = new int[_encoder.ItemCount];
        Array.Fill(physicalOfItem, -1);
        var physicalTokens = new List<long>();
        for (int row = 0; row < _rowCount; row++)
        {
            int item = _rowItem[row];
            if (physicalOfItem[item] < 0)
            {
                physicalOfItem[item] = physicalItems.Count;
                physicalItems.Add(item);
                physicalTokens.Add(tokens[row]);
            }
            else if (physicalTokens[physicalOfItem[item]] != tokens[row])
            {
                throw new InvalidOperationException("At the first step all rows of a batch item must hold the same token.");
            }

            _rowSource[row] = physicalOfItem[item];
        }

        int rows = physicalItems.Count;
        int[] itemsArray = [.. physicalItems];
        using OrtValue ids = NewTensor(TensorElementType.Int64, [rows, 1]);
        Span<long> idSpan = ids.GetTensorMutableDataAsSpan<long>();
        for (int i = 0; i < rows; i++)
        {
            idSpan[i] = physicalTokens[i];
        }

        (OrtValue hidden, OrtValue mask) = GatherEncoderStates(itemsArray);
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
                for (int i = 0; i < 4 * _layers; i++)
                {
                    OrtValue empty = NewTensor(TensorElementType.Float, [rows, _heads, 0, _headDim]);
                    emptyPast.Add(empty);
                    _firstInputs[3 + i] = empty;
                }

                OrtValue useCache = NewTensor(TensorElementType.Bool, [1]);
                useCache.GetTensorMutableDataAsSpan<bool>()[0] = false;
                emptyPast.Add(useCache);
                _firstInputs[^1] = useCache;
            }
            else
            {
                session = _model.Decoder!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = RunSession(session, _firstInputNames, _firstInputs, _firstOutputNames);
            CopyLogitsAndRelease(outputs, logits);
            _selfCache = new OrtValue[2 * _layers];
            _crossSource = new OrtValue[2 * _layers];
            for (int i = 0; i < 2 * _layers; i++)
            {
                _selfCache[i] = outputs[1 + i];
                _crossSource[i] = outputs[1 + (2 * _layers) + i];
            }

            _physicalRows = rows;
            itemsArray.CopyTo(_physicalRowItem, 0);
            _crossRowOfItem = physicalOfItem;
        }
        finally
        {
            hidden.Dispose();
            mask.Dispose();
            foreach (OrtValue value in emptyPast)
            {
                value.Dispose();
            }
        }
    }

    private void NextStep(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        if (_rowCount > _physicalRows)
        {
            GatherSelfCache(); // more rows than the cache has: the expansion after the first step
        }
        else
        {
            ArrangeInPlace();
        }

        EnsureRowTensors();

        // Physical row order: row r's token goes to the physical row its cache is in.
        using OrtValue ids = NewTensor(TensorElementType.Int64, [_rowCount, 1]);
        Span<long> idSpan = ids.GetTensorMutableDataAsSpan<long>();
        for (int row = 0; row < _rowCount; row++)
        {
            idSpan[_rowSource[row]] = tokens[row];
        }

        OrtValue? useCache = null;
        try
        {
            _stepInputs[0] = _rowMask!;
            _stepInputs[1] = ids;
            _stepInputs[2] = _rowHidden!;
            for (int i = 0; i < 2 * _layers; i++)
            {
                _stepInputs[3 + i] = _selfCache![i];
                _stepInputs[3 + (2 * _layers) + i] = _rowCross![i];
            }

            InferenceSession session;
            if (_model.MergedDecoder is not null)
            {
                session = _model.MergedDecoder;
                useCache = NewTensor(TensorElementType.Bool, [1]);
                useCache.GetTensorMutableDataAsSpan<bool>()[0] = true;
                _stepInputs[^1] = useCache;
            }
            else
            {
                session = _model.DecoderWithPast!;
            }

            IDisposableReadOnlyCollection<OrtValue> outputs = RunSession(session, _stepInputNames, _stepInputs, _stepOutputNames);
            CopyLogitsAndRelease(outputs, logits);
            for (int i = 0; i < 2 * _layers; i++)
            {
                _selfCache![i].Dispose();
                _selfCacheOwners?[i]?.Dispose();
                _selfCache[i] = outputs[1 + i];
            }

            _selfCacheOwners = null;
        }
        finally
        {
            useCache?.Dispose();
            Array.Clear(_stepInputs);
        }

        // The new cache rows are in the same physical order as the step's inputs, so the row map stays as it is.
    }

    private IDisposableReadOnlyCollection<OrtValue> RunSession(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return session.Run(_runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (_runOptions.Terminate)
        {
            throw new OperationCanceledException("Decoding was cancelled during a decoder step.");
        }
        catch (OnnxRuntimeException error)
        {
            throw _model.RunFailure(session, error);
        }
        finally
        {
            _statistics?.AddDecoderRun(Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>
    /// Copies the logits output [physicalRows, 1, V] to the logical rows and disposes it. The other outputs (the caches)
    /// are taken over by the caller one by one, so the collection itself is never disposed; on failure all are released.
    /// </summary>
    private void CopyLogitsAndRelease(IDisposableReadOnlyCollection<OrtValue> outputs, Span<float> logits)
    {
        try
        {
            ReadOnlySpan<float> source = outputs[0].GetTensorDataAsSpan<float>();
            int v = VocabularySize;
            for (int row = 0; row < _rowCount; row++)
            {
                source.Slice(_rowSource[row] * v, v).CopyTo(logits.Slice(row * v, v));
            }
        }
        catch
        {
            outputs.Dispose();
            throw;
        }

        outputs[0].Dispose();
    }

    /// <summary>
    /// Makes the row map a one-to-one map onto physical rows 0..rows−1, in place (see the remarks on the class): a physical
    /// row that some logical row continues stays if it is below the new row count; every other logical row gets a free
    /// row there (one of its own item when there is one, so that its item's tensors need not move) and its rows are copied
    /// in. A free row is continued by no logical row, and a row that is read is never a free row, so no copy overwrites
    /// what another still reads. When rows left, the tensors become views of their first rows.
    /// </summary>
    private void ArrangeInPlace()
    {
        int rows = _rowCount;
        Span<bool> taken = _physicalRowTaken.AsSpan(0, _physicalRows);
        Span<int> arranged = _arrangedSource.AsSpan(0, rows);
        taken.Clear();
        bool moves = false;
        for (int row = 0; row < rows; row++)
        {
            int physical = _rowSource[row];
            if (physical < rows && !taken[physical])
            {
                taken[physical] = true;
                arranged[row] = physical;
            }
            else
            {
                arranged[row] = -1;
                moves = true;
            }
        }

        if (!moves && rows == _physicalRows)
        {
            return; // one-to-one already: nothing moves
        }

        for (int row = 0; row < rows; row++)
        {
            if (arranged[row] < 0)
            {
                int free = FreeRow(taken[..rows], _rowItem[row]);
                taken[free] = true;
                arranged[row] = free;
            }
        }

        bool rowTensors = _rowCross is not null;
        int selfFloats = _heads * _pastLength * _headDim;
        int crossFloats = _heads * _encoder.Length * _headDim;
        for (int row = 0; row < rows; row++)
        {
            int from = _rowSource[row];
            int to = arranged[row];
            if (from == to)
            {
                continue;
            }

            foreach (OrtValue cache in _selfCache!)
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

            _physicalRowItem[to] = _rowItem[row];
        }

        arranged.CopyTo(_rowSource);
        if (rows < _physicalRows)
        {
            Shrink(rows, rowTensors);
        }

        int FreeRow(ReadOnlySpan<bool> used, int item)
        {
            int any = -1;
            for (int physical = 0; physical < used.Length; physical++)
            {
                if (!used[physical])
                {
                    if (_physicalRowItem[physical] == item)
                    {
                        return physical;
                    }

                    any = any < 0 ? physical : any;
                }
            }

            return any; // there are as many free rows as logical rows without one
        }

        static void CopyRow<T>(Span<T> tensor, int from, int to, int rowLength)
            => tensor.Slice(from * rowLength, rowLength).CopyTo(tensor.Slice(to * rowLength, rowLength));
    }

    /// <summary>Replaces every per-row tensor by a view of its first <paramref name="rows"/> rows (no copy).</summary>
    private void Shrink(int rows, bool rowTensors)
    {
        _selfCacheOwners ??= new OrtValue?[_selfCache!.Length];
        for (int t = 0; t < _selfCache!.Length; t++)
        {
            _selfCache[t] = FirstRows(ref _selfCacheOwners[t], _selfCache[t], TensorElementType.Float, [rows, _heads, _pastLength, _headDim]);
        }

        if (rowTensors)
        {
            int length = _encoder.Length;
            _rowCrossOwners ??= new OrtValue?[_rowCross!.Length];
            for (int t = 0; t < _rowCross!.Length; t++)
            {
                _rowCross[t] = FirstRows(ref _rowCrossOwners[t], _rowCross[t], TensorElementType.Float, [rows, _heads, length, _headDim]);
            }

            _rowHidden = FirstRows(ref _rowHiddenOwner, _rowHidden!, TensorElementType.Float, [rows, length, _modelDim]);
            _rowMask = FirstRows(ref _rowMaskOwner, _rowMask!, TensorElementType.Int64, [rows, length]);
            _rowTensorsItems = _rowTensorsItems[..rows];
        }

        _physicalRows = rows;
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

    /// <summary>Gathers the self-attention cache rows into the logical row order, unless it already is in that order.</summary>
    private void GatherSelfCache()
    {
        bool identity = _physicalRows == _rowCount;
        for (int i = 0; identity && i < _rowCount; i++)
        {
            identity = _rowSource[i] == i;
        }

        if (identity)
        {
            return;
        }

        int rowFloats = _heads * _pastLength * _headDim;
        for (int t = 0; t < _selfCache!.Length; t++)
        {
            OrtValue gathered = NewTensor(TensorElementType.Float, [_rowCount, _heads, _pastLength, _headDim]);
            ReadOnlySpan<float> source = _selfCache[t].GetTensorDataAsSpan<float>();
            Span<float> target = gathered.GetTensorMutableDataAsSpan<float>();
            for (int row = 0; row < _rowCount; row++)
            {
                source.Slice(_rowSource[row] * rowFloats, rowFloats).CopyTo(target.Slice(row * rowFloats, rowFloats));
            }

            _selfCache[t].Dispose();
            _selfCacheOwners?[t]?.Dispose();
            _selfCache[t] = gathered;
        }

        _selfCacheOwners = null;

        _physicalRows = _rowCount;
        _rowItem.AsSpan(0, _rowCount).CopyTo(_physicalRowItem);
        for (int i = 0; i < _rowCount; i++)
        {
            _rowSource[i] = i;
        }
    }

    /// <summary>Makes the cross-attention cache, encoder states and mask match the items behind the physical rows.</summary>
    private void EnsureRowTensors()
    {
        ReadOnlySpan<int> physicalItems = _physicalRowItem.AsSpan(0, _physicalRows);
        if (_rowTensorsItems.AsSpan().SequenceEqual(physicalItems))
        {
            return;
        }

        DisposeRowTensors();
        int[] items = physicalItems.ToArray();
        (_rowHidden, _rowMask) = GatherEncoderStates(items);
        int length = _encoder.Length;
        int rowFloats = _heads * length * _headDim;
        _rowCross = new OrtValue[2 * _layers];
        for (int t = 0; t < _rowCross.Length; t++)
        {
            OrtValue gathered = NewTensor(TensorElementType.Float, [items.Length, _heads, length, _headDim]);
            ReadOnlySpan<float> source = _crossSource![t].GetTensorDataAsSpan<float>();
            Span<float> target = gathered.GetTensorMutableDataAsSpan<float>();
            for (int row = 0; row < items.Length; row++)
            {
                source.Slice(_crossRowOfItem![items[row]] * rowFloats, rowFloats).CopyTo(target.Slice(row * rowFloats, rowFloats));
            }

            _rowCross[t] = gathered;
        }

        _rowTensorsItems = items;
    }

    private (OrtValue Hidden, OrtValue Mask) GatherEncoderStates(int[] items)
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

    private OrtValue NewTensor(TensorElementType type, long[] shape)
        => OrtValue.CreateAllocatedTensorValue(_model.DecoderInputAllocator, type, shape);

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

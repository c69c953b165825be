using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// What the two T5 decoder steps share: the <see cref="IDecoderSession"/> contract's checks, the <see cref="DecoderRowMap"/>
/// that <see cref="Reorder"/> composes, the first-step/later-step dispatch, and the small host tensors of a step (input
/// ids in physical row order, the merged decoder's branch flag). Where the tensors kept between steps live is the
/// subclass's business: host memory (<see cref="T5OnnxDecoder"/>) or the device's (<see cref="T5BoundDecoder"/>).
/// </summary>
internal abstract class T5DecoderSession : IDecoderSession
{
    private bool _disposed;

    /// <summary>Initializes a decoder over <paramref name="encoder"/>'s items, each repeated <paramref name="rowsPerItem"/> times.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder output, with the run options and observer of its batch (the caller keeps
    /// ownership and must keep it alive).</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    protected T5DecoderSession(T5OnnxModel model, T5EncoderOutput encoder, int rowsPerItem)
    {
        Model = model;
        Encoder = encoder;
        Names = model.Names;
        VocabularySize = model.Config.VocabularySize;
        Rows = new DecoderRowMap(encoder.ItemCount, rowsPerItem);
    }

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int RowCount => Rows.RowCount;

    /// <summary>Gets the number of tokens already in the cache.</summary>
    public abstract int PastLength { get; }

    /// <summary>Gets the model.</summary>
    protected T5OnnxModel Model { get; }

    /// <summary>Gets the encoder output of the batch.</summary>
    protected T5EncoderOutput Encoder { get; }

    /// <summary>Gets the graphs' names.</summary>
    protected T5OnnxNames Names { get; }

    /// <summary>Gets the row map.</summary>
    protected DecoderRowMap Rows { get; }

    /// <summary>Gets a value indicating whether the first step has run.</summary>
    protected abstract bool IsStarted { get; }

    /// <summary>
    /// Gets a value indicating whether the observer is told the time of the whole step (gathers included) rather than of
    /// the decoder's <c>Run</c> alone, which the subclass then reports itself.
    /// </summary>
    protected virtual bool ObservesWholeStep => false;

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

        IGenerationObserver? observer = ObservesWholeStep ? Encoder.Observer : null;
        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            if (IsStarted)
            {
                NextStep(tokens, logits);
            }
            else
            {
                FirstStep(tokens, logits);
            }
        }
        finally
        {
            observer?.DecoderStepRan(Stopwatch.GetTimestamp() - start);
        }
    }

    /// <inheritdoc/>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Rows.Reorder(sourceRows);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseTensors();
    }

    /// <summary>Runs the first step: one physical row per item, logits copied to every row of the item.</summary>
    /// <param name="tokens">The token of each logical row.</param>
    /// <param name="logits">Receives the logits of each logical row.</param>
    protected abstract void FirstStep(ReadOnlySpan<long> tokens, Span<float> logits);

    /// <summary>Runs a later step with the cache.</summary>
    /// <param name="tokens">The token of each logical row.</param>
    /// <param name="logits">Receives the logits of each logical row.</param>
    protected abstract void NextStep(ReadOnlySpan<long> tokens, Span<float> logits);

    /// <summary>Releases the tensors kept between steps (called once).</summary>
    protected abstract void ReleaseTensors();

    /// <summary>Allocates a host tensor from the model's decoder-input allocator.</summary>
    /// <param name="type">The element type.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor, owned by the caller.</returns>
    protected OrtValue HostTensor(TensorElementType type, long[] shape) => OrtValue.CreateAllocatedTensorValue(Model.DecoderInputAllocator, type, shape);

    /// <summary>The step's input ids in physical row order: row r's token goes to the physical row its cache is in.</summary>
    /// <param name="tokens">The token of each logical row.</param>
    /// <param name="physicalRows">The number of physical rows.</param>
    /// <returns>The ids [physicalRows, 1], owned by the caller.</returns>
    protected OrtValue NewIds(ReadOnlySpan<long> tokens, int physicalRows)
    {
        OrtValue ids = HostTensor(TensorElementType.Int64, [physicalRows, 1]);
        Span<long> idSpan = ids.GetTensorMutableDataAsSpan<long>();
        ReadOnlySpan<int> physical = Rows.PhysicalRows;
        for (int row = 0; row < physical.Length; row++)
        {
            idSpan[physical[row]] = tokens[row];
        }

        return ids;
    }

    /// <summary>The merged decoder's <c>use_cache_branch</c> input.</summary>
    /// <param name="value">The flag.</param>
    /// <returns>The tensor [1], owned by the caller.</returns>
    protected OrtValue NewFlag(bool value)
    {
        OrtValue flag = HostTensor(TensorElementType.Bool, [1]);
        flag.GetTensorMutableDataAsSpan<bool>()[0] = value;
        return flag;
    }

    /// <summary>Copies a step's logits [physicalRows, 1, V] to the logical rows.</summary>
    /// <param name="source">The logits output.</param>
    /// <param name="logits">The logical rows' logits.</param>
    protected void CopyLogits(OrtValue source, Span<float> logits)
    {
        ReadOnlySpan<float> data = source.GetTensorDataAsSpan<float>();
        ReadOnlySpan<int> physical = Rows.PhysicalRows;
        int v = VocabularySize;
        for (int row = 0; row < physical.Length; row++)
        {
            data.Slice(physical[row] * v, v).CopyTo(logits.Slice(row * v, v));
        }
    }
}

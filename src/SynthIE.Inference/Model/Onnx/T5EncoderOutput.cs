using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// The encoder's output for a batch: hidden states [items, length, d_model] and the attention mask it was run with, with
/// the run options that stop the batch's runs when its cancellation token is cancelled, and the batch's observer.
/// </summary>
internal sealed class T5EncoderOutput : IEncodedBatch
{
    private readonly T5OnnxModel _model;
    private readonly CancellationTokenRegistration _registration;

    /// <summary>Initializes a new instance of the <see cref="T5EncoderOutput"/> class, which takes over all the disposables it is given.</summary>
    /// <param name="model">The model.</param>
    /// <param name="hiddenStates">The encoder's output.</param>
    /// <param name="attentionMask">The attention mask, items × length.</param>
    /// <param name="itemCount">The number of items.</param>
    /// <param name="length">The padded length.</param>
    /// <param name="runOptions">The run options of the batch's runs.</param>
    /// <param name="registration">The registration that terminates <paramref name="runOptions"/> on cancellation.</param>
    /// <param name="observer">The batch's observer, or <see langword="null"/>.</param>
    public T5EncoderOutput(
        T5OnnxModel model, OrtValue hiddenStates, long[] attentionMask, int itemCount, int length, RunOptions runOptions,
        CancellationTokenRegistration registration, IGenerationObserver? observer)
    {
        _model = model;
        _registration = registration;
        HiddenStates = hiddenStates;
        AttentionMask = attentionMask;
        ItemCount = itemCount;
        Length = length;
        RunOptions = runOptions;
        Observer = observer;
    }

    /// <summary>Gets the hidden states, [items, length, d_model] (in the device's memory when the model has a <see cref="T5OnnxModel.Binding"/>).</summary>
    public OrtValue HiddenStates { get; }

    /// <summary>Gets the attention mask, items × length (1 for tokens, 0 for right padding).</summary>
    public long[] AttentionMask { get; }

    /// <summary>Gets the number of batch items.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the padded input length.</summary>
    public int Length { get; }

    /// <summary>Gets the run options of the batch's runs (terminated on cancellation).</summary>
    public RunOptions RunOptions { get; }

    /// <summary>Gets the observer told the time spent inside the runs, or <see langword="null"/>.</summary>
    public IGenerationObserver? Observer { get; }

    /// <inheritdoc/>
    public IDecoderSession CreateDecoder(int rowsPerItem) =>
        _model.Binding is null ? new T5OnnxDecoder(_model, this, rowsPerItem) : new T5BoundDecoder(_model, this, rowsPerItem);

    public void Dispose()
    {
        _registration.Dispose(); // first, so that a late cancellation does not touch disposed run options
        HiddenStates.Dispose();
        RunOptions.Dispose();
    }
}

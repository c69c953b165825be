using Microsoft.ML.OnnxRuntime;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>The encoder's output for a batch: hidden states [items, length, d_model] and the attention mask it was run with.</summary>
internal sealed class T5EncoderOutput : IDisposable
{
    public T5EncoderOutput(OrtValue hiddenStates, long[] attentionMask, int itemCount, int length)
    {
        HiddenStates = hiddenStates;
        AttentionMask = attentionMask;
        ItemCount = itemCount;
        Length = length;
    }

    /// <summary>Gets the hidden states, [items, length, d_model].</summary>
    public OrtValue HiddenStates { get; }

    /// <summary>Gets the attention mask, items × length (1 for tokens, 0 for right padding).</summary>
    public long[] AttentionMask { get; }

    /// <summary>Gets the number of batch items.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the padded input length.</summary>
    public int Length { get; }

    public void Dispose() => HiddenStates.Dispose();
}

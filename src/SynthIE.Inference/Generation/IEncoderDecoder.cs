namespace SynthIE.Inference.Generation;

/// <summary>
/// An encoder-decoder model as <see cref="Generator"/> drives it: encode a right-padded batch once, then step a decoder
/// over it a token at a time. Implemented by the ONNX Runtime adapter (<c>Model.Onnx.T5OnnxModel</c>); nothing here
/// depends on a runtime. Implementations must be safe to use from several threads (one call per batch).
/// </summary>
internal interface IEncoderDecoder
{
    /// <summary>Gets the width of a logits row.</summary>
    int VocabularySize { get; }

    /// <summary>Runs the encoder on a batch.</summary>
    /// <param name="batch">The right-padded inputs.</param>
    /// <param name="observer">Told the time spent inside the encoder's and decoder's runs, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the encoder and the decoder steps of this batch; they throw
    /// <see cref="OperationCanceledException"/> (which may not carry the token).</param>
    /// <returns>The encoded batch, owned by the caller.</returns>
    IEncodedBatch Encode(PaddedBatch batch, IGenerationObserver? observer, CancellationToken cancellationToken);
}

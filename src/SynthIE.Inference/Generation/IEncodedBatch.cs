namespace SynthIE.Inference.Generation;

/// <summary>The encoder's output for one batch; decoders created from it read it, so it must outlive them.</summary>
internal interface IEncodedBatch : IDisposable
{
    /// <summary>Gets the number of batch items.</summary>
    int ItemCount { get; }

    /// <summary>Creates a decoder with <paramref name="rowsPerItem"/> rows per item (row <c>b*K+k</c> = beam <c>k</c> of item <c>b</c>).</summary>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    /// <returns>The decoder, owned by the caller.</returns>
    IDecoderSession CreateDecoder(int rowsPerItem);
}

namespace SynthIE.Inference.Generation;

/// <summary>A search over an <see cref="IDecoderStep"/>: greedy or beam search, with transformers 4.23.1's semantics.</summary>
internal interface ISearchStrategy
{
    /// <summary>
    /// Decodes a batch. The decoder must hold <paramref name="batchSize"/> × <see cref="DecodingOptions.NumBeams"/>
    /// rows (row <c>b*K+k</c> = beam <c>k</c> of item <c>b</c>), each about to be fed the decoder start token.
    /// </summary>
    /// <param name="decoder">The decoder; the search steps it and reorders its rows.</param>
    /// <param name="batchSize">The number of batch items.</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>Per batch item, its <see cref="DecodingOptions.NumReturnSequences"/> best sequences, best first.</returns>
    /// <exception cref="OperationCanceledException">The token was canceled.</exception>
    IReadOnlyList<GeneratedSequence>[] Search(IDecoderStep decoder, int batchSize, CancellationToken cancellationToken);
}

namespace SynthIE.Inference.Generation;

/// <summary>
/// One decoder of an encoder-decoder model, driven a token at a time by a search strategy. The implementation owns the
/// key/value caches of its rows (row = batch item × beam); the search tells it how rows were reordered or dropped.
/// </summary>
/// <remarks>
/// A search calls <see cref="Step"/>, then <see cref="Reorder"/>, then <see cref="Step"/> again, and so on; it does not call
/// <see cref="Reorder"/> after the last step. Beam search reorders after every step (row <c>i</c> of item <c>b</c> may
/// continue any beam of the same item) and drops the rows of items that are done; greedy search only drops rows. The
/// logits must hold no NaN or +∞, and every row a finite maximum (otherwise the search stops with an error).
/// </remarks>
internal interface IDecoderStep
{
    /// <summary>Gets the width of a logits row (for flan-t5: 32,128, wider than the tokenizer's 32,100 ids).</summary>
    int VocabularySize { get; }

    /// <summary>Gets the number of rows the decoder currently holds.</summary>
    int RowCount { get; }

    /// <summary>
    /// Feeds one token per row (the row's last token; at the first step the decoder start token) and writes the next-token
    /// logits, <see cref="RowCount"/> × <see cref="VocabularySize"/> floats, row-major, into <paramref name="logits"/>.
    /// </summary>
    /// <param name="tokens">One token per row.</param>
    /// <param name="logits">Destination for the raw (unnormalized) logits.</param>
    void Step(ReadOnlySpan<long> tokens, Span<float> logits);

    /// <summary>
    /// Rebuilds the rows from existing ones before the next <see cref="Step"/>: new row <c>i</c> takes the caches of old row
    /// <c>sourceRows[i]</c>. The new row count is <c>sourceRows.Length</c> (fewer when batch items finished; a row may be
    /// copied to several new rows).
    /// </summary>
    /// <param name="sourceRows">For each new row, the old row it continues.</param>
    void Reorder(ReadOnlySpan<int> sourceRows);
}

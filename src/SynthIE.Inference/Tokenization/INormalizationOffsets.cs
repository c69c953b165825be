namespace SynthIE.Inference.Tokenization;

/// <summary>
/// Receives, from <see cref="SentencePieceNormalizer"/>, where each stretch of normalized output came from in the input.
/// Implemented by structs so that the normalizer is compiled once per implementation: <see cref="NoNormalizationOffsets"/>
/// makes every call vanish from the id-only path; <see cref="NormalizationOffsetRecorder"/> keeps them for token offsets.
/// All positions are UTF-8 byte positions: input positions count from the start of the whole input (including leading
/// whitespace the normalizer drops), output positions from the start of the output buffer.
/// </summary>
internal interface INormalizationOffsets
{
    /// <summary>Called once, before any output, with the input position after the leading whitespace that was dropped.</summary>
    /// <param name="inputStart">The first input byte that is not dropped leading whitespace.</param>
    void Begin(int inputStart);

    /// <summary>
    /// Called for every unit of output: output bytes [<paramref name="outputStart"/>, <paramref name="outputEnd"/>) were
    /// produced by the input that ends at <paramref name="inputEnd"/> (one character or one map key; the dummy prefix
    /// is a unit whose input ends where the text begins).
    /// </summary>
    /// <param name="outputStart">The unit's first output byte.</param>
    /// <param name="outputEnd">The output position after the unit.</param>
    /// <param name="inputEnd">The input position after the characters that produced the unit.</param>
    void Unit(int outputStart, int outputEnd, int inputEnd);

    /// <summary>Called after an ASCII character that is kept as it is and is not a space.</summary>
    /// <param name="inputEnd">The input position after that character.</param>
    void Content(int inputEnd);

    /// <summary>
    /// Called after every other step of input with what it normalizes to (before spaces are collapsed): empty when the
    /// map deletes the characters, only spaces when they are whitespace.
    /// </summary>
    /// <param name="normalized">The step's normalized bytes.</param>
    /// <param name="inputEnd">The input position after that step.</param>
    void Step(ReadOnlySpan<byte> normalized, int inputEnd);
}

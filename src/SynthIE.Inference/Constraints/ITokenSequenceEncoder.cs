namespace SynthIE.Inference.Constraints;

/// <summary>
/// What the constraint, trie and formatter need from a tokenizer: text → ids the way Hugging Face's slow
/// <c>T5Tokenizer(text)["input_ids"]</c> gives them (end token appended once), and a fingerprint that changes whenever
/// the tokenizer would give different ids, for cache keys.
/// </summary>
internal interface ITokenSequenceEncoder
{
    /// <summary>Gets the end-of-sequence id (1 for T5).</summary>
    int EndOfSequenceId { get; }

    /// <summary>Gets the id the tokenizer gives text it cannot encode (<c>&lt;unk&gt;</c>), or -1 when it has none.</summary>
    int UnknownId => -1;

    /// <summary>Returns the text of <paramref name="ids"/> as the model's output is decoded, or <see langword="null"/> when the encoder cannot decode.</summary>
    /// <param name="ids">Token ids without the end token.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    string? Decode(ReadOnlySpan<int> ids) => null;

    /// <summary>Gets bytes that identify the vocabulary and segmentation behaviour.</summary>
    ReadOnlySpan<byte> Fingerprint { get; }

    /// <summary>
    /// Writes the ids of <paramref name="text"/> followed by the end token into <paramref name="destination"/>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Where the ids go.</param>
    /// <param name="truncated">Set when <paramref name="destination"/> was too small; call again with a larger one.</param>
    /// <returns>The number of ids written.</returns>
    int Encode(ReadOnlySpan<char> text, Span<int> destination, out bool truncated);
}

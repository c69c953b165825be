using System.Globalization;
using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Generation;

/// <summary>
/// The settings of one generation run, as transformers 4.23.1 <c>generate</c> reads them (defaults are flan-t5's and
/// SynthIE's). Validated once, by <see cref="Validate(int)"/> when the extractor loads; the generator and the searches
/// trust them (they only assert it in debug builds).
/// </summary>
internal sealed class DecodingOptions
{
    /// <summary>Gets the beam width K (1 = greedy search).</summary>
    public int NumBeams { get; init; } = 1;

    /// <summary>
    /// Gets how many hypotheses are returned per batch item (1..<see cref="NumBeams"/>), best first. This type's default is
    /// 1; the extractor's default, when the user sets none, is <see cref="DefaultNumReturnSequences(int)"/>.
    /// </summary>
    public int NumReturnSequences { get; init; } = 1;

    /// <summary>
    /// Gets the length penalty: a hypothesis's score is <c>sum_logprobs / length ** LengthPenalty</c>. A double on
    /// purpose: transformers computes this in Python floats, and <c>0.6</c> as a float32 is a different number.
    /// </summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>Gets the most tokens generated after the decoder start token (transformers' <c>max_new_tokens</c>).</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Gets the token every hypothesis starts with (T5: 0).</summary>
    public int DecoderStartTokenId { get; init; }

    /// <summary>Gets the end-of-sequence token (T5: 1).</summary>
    public int EosTokenId { get; init; } = 1;

    /// <summary>Gets the padding token (T5: 0). Only kept for parity with transformers: finished items leave the batch instead of being padded.</summary>
    public int PadTokenId { get; init; }

    /// <summary>Gets the constraint on generated tokens, or <see langword="null"/> for unconstrained decoding.</summary>
    public ITokenConstraint? Constraint { get; init; }

    /// <summary>Gets transformers' <c>max_length</c>: the decoder start token plus <see cref="MaxNewTokens"/>.</summary>
    public int MaxLength => MaxNewTokens + 1;

    /// <summary>
    /// Returns the number of candidates returned per text when the user sets none: SynthIE's 3, or fewer when there are
    /// fewer beams (at most one candidate per beam).
    /// </summary>
    /// <param name="numBeams">The beam width.</param>
    /// <returns><c>min(3, numBeams)</c>.</returns>
    public static int DefaultNumReturnSequences(int numBeams) => Math.Min(3, numBeams);

    /// <summary>
    /// Checks every option against each other and against the model's logits width: the one validation of decoding
    /// options, called when the extractor loads.
    /// </summary>
    /// <param name="vocabularySize">The width of a logits row.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public void Validate(int vocabularySize)
    {
        ArgumentException? error = FindError(vocabularySize);
        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>Returns whether <see cref="Validate(int)"/> would pass (for debug assertions).</summary>
    /// <param name="vocabularySize">The width of a logits row.</param>
    /// <returns><see langword="true"/> when every option is in range.</returns>
    public bool IsValid(int vocabularySize) => FindError(vocabularySize) is null;

    private ArgumentException? FindError(int vocabularySize)
    {
        if (NumBeams < 1)
        {
            return Invalid(nameof(NumBeams), NumBeams, "must be at least 1");
        }

        if (NumReturnSequences < 1 || NumReturnSequences > NumBeams)
        {
            return Invalid(nameof(NumReturnSequences), NumReturnSequences, $"must be between 1 and NumBeams ({NumBeams})");
        }

        if (!double.IsFinite(LengthPenalty))
        {
            return Invalid(nameof(LengthPenalty), LengthPenalty, "must be a finite number");
        }

        if (MaxNewTokens < 1 || MaxNewTokens == int.MaxValue)
        {
            return Invalid(nameof(MaxNewTokens), MaxNewTokens, "must be at least 1 and below int.MaxValue");
        }

        if (vocabularySize < 2)
        {
            return new ArgumentException(
                $"The decoder's vocabulary size must be at least 2 (was {vocabularySize.ToString(CultureInfo.InvariantCulture)}).",
                nameof(vocabularySize));
        }

        return CheckTokenId(nameof(DecoderStartTokenId), DecoderStartTokenId, vocabularySize)
            ?? CheckTokenId(nameof(EosTokenId), EosTokenId, vocabularySize)
            ?? CheckTokenId(nameof(PadTokenId), PadTokenId, vocabularySize);
    }

    private static ArgumentException? CheckTokenId(string name, int value, int vocabularySize) =>
        value < 0 || value >= vocabularySize
            ? Invalid(name, value, $"must be a token id in [0, {vocabularySize.ToString(CultureInfo.InvariantCulture)}) (the decoder's vocabulary size)")
            : null;

    private static ArgumentException Invalid(string name, IFormattable value, string rule) =>
        new($"DecodingOptions.{name} {rule} (was {value.ToString(null, CultureInfo.InvariantCulture)}).", name);
}

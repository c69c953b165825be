using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace SynthIE.Inference.Internal;

/// <summary>
/// The throws of the per-step hot methods (beam and greedy search, logits processors), kept out of those methods so that
/// building a message never weighs on the code the JIT inlines and lays out for the common path.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>Throws: a finished beam search was given another step.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SearchFinished() =>
        throw new InvalidOperationException("The beam search is finished; call Reset to start another.");

    /// <summary>Throws: a step's logits do not have rows × vocabulary entries.</summary>
    /// <param name="rows">The rows expected.</param>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <param name="actual">The entries given.</param>
    /// <param name="parameterName">The logits parameter's name.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LogitsLength(int rows, int vocabularySize, int actual, string parameterName) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Expected {rows} × {vocabularySize} logits, got {actual}."), parameterName);

    /// <summary>Throws: a row of logits has no finite maximum (NaN or +∞).</summary>
    /// <param name="item">The batch item.</param>
    /// <param name="beam">The beam, or -1 for greedy search.</param>
    /// <param name="length">The sequence length at this step.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void NonFiniteLogits(int item, int beam, int length) =>
        throw new InvalidOperationException(beam < 0
            ? string.Create(CultureInfo.InvariantCulture, $"The decoder's logits for batch item {item} at length {length} have no finite maximum (NaN or +∞).")
            : string.Create(CultureInfo.InvariantCulture, $"The decoder's logits for batch item {item}, beam {beam} at length {length} have no finite maximum (NaN or +∞)."));

    /// <summary>Throws: an allowed token id lies outside the vocabulary.</summary>
    /// <param name="who">What allowed it, e.g. "The constraint".</param>
    /// <param name="token">The token id.</param>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <param name="slot">The logits processor's slot, or -1.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TokenOutsideVocabulary(string who, int token, int vocabularySize, int slot = -1) =>
        throw new InvalidOperationException(slot < 0
            ? string.Create(CultureInfo.InvariantCulture, $"{who} allowed token id {token}, outside the vocabulary [0, {vocabularySize}).")
            : string.Create(CultureInfo.InvariantCulture, $"{who} allowed token id {token} for slot {slot}, outside the vocabulary [0, {vocabularySize})."));

    /// <summary>Throws: a beam search item has fewer non-end candidates than beams (transformers raises here too).</summary>
    /// <param name="item">The batch item.</param>
    /// <param name="filled">The candidates found.</param>
    /// <param name="beams">The beams.</param>
    /// <param name="length">The sequence length at this step.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooFewCandidates(int item, int filled, int beams, int length) =>
        throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture, $"Batch item {item} has only {filled} non-end candidates for {beams} beams at length {length}."));
}

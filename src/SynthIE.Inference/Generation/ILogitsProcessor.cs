namespace SynthIE.Inference.Generation;

/// <summary>
/// A per-step restriction of the next token, in the layering of CTranslate2's logits processors: each processor says
/// which tokens a row may take, the search combines them into one mask per step and applies it to the log-probabilities
/// (disallowed tokens score −∞, as transformers' <c>PrefixConstrainedLogitsProcessor</c> adds <c>-inf</c>). Processors are
/// stateful for one search: they keep one state per slot (slot = batch item × beam) and follow the beams.
/// </summary>
internal interface ILogitsProcessor
{
    /// <summary>Starts a search: every slot holds only the decoder start token.</summary>
    /// <param name="slotCount">The number of slots.</param>
    void Reset(int slotCount);

    /// <summary>Returns the tokens a slot may take next.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="allowed">The allowed token ids (unsorted, no duplicates; empty = none), valid until the next call on this processor.</param>
    /// <returns><see langword="false"/> when the processor does not restrict the slot (every token allowed).</returns>
    bool TryGetAllowedTokens(int slot, out ReadOnlySpan<int> allowed);

    /// <summary>
    /// Follows one search step: slot <c>i</c> now continues old slot <c>sourceSlots[i]</c> with token
    /// <c>appendedTokens[i]</c>. A source of −1 leaves the slot as it was (its batch item finished); a token of −1 marks
    /// a hypothesis whose score became −∞ (it took a disallowed token) and that is allowed nothing from now on.
    /// </summary>
    /// <param name="sourceSlots">For each slot, the slot it continues, or −1.</param>
    /// <param name="appendedTokens">For each slot, the appended token, or −1.</param>
    void Advance(ReadOnlySpan<int> sourceSlots, ReadOnlySpan<int> appendedTokens);
}

namespace SynthIE.Inference.Generation;

/// <summary>
/// Token ids of several inputs, right-padded to the longest with the pad token (0) and mask 0, as Hugging Face's tokenizer
/// pads: <c>items × length</c> ids and mask, row-major.
/// </summary>
internal sealed class PaddedBatch
{
    private PaddedBatch(long[] inputIds, long[] attentionMask, int itemCount, int length)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        ItemCount = itemCount;
        Length = length;
    }

    /// <summary>Gets the token ids, items × length (padding 0).</summary>
    public long[] InputIds { get; }

    /// <summary>Gets the attention mask, items × length (1 for tokens, 0 for padding).</summary>
    public long[] AttentionMask { get; }

    /// <summary>Gets the number of items.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the padded length (at least 1).</summary>
    public int Length { get; }

    /// <summary>Right-pads <paramref name="inputs"/>.</summary>
    /// <param name="inputs">Token ids of each input (already truncated, with the end token); none may be empty.</param>
    /// <returns>The padded batch.</returns>
    /// <exception cref="ArgumentException">An input is empty.</exception>
    public static PaddedBatch RightPad(IReadOnlyList<int[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int items = inputs.Count;
        int length = 1;
        foreach (int[] input in inputs)
        {
            if (input.Length == 0)
            {
                throw new ArgumentException("Every input must hold at least one token (the end token).", nameof(inputs));
            }

            length = Math.Max(length, input.Length);
        }

        var ids = new long[items * length];
        var mask = new long[items * length];
        for (int item = 0; item < items; item++)
        {
            int[] input = inputs[item];
            for (int t = 0; t < input.Length; t++)
            {
                ids[(item * length) + t] = input[t];
                mask[(item * length) + t] = 1;
            }
        }

        return new PaddedBatch(ids, mask, items, length);
    }
}

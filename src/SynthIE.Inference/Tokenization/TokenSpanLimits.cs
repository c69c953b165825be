namespace SynthIE.Inference.Tokenization;

/// <summary>
/// Which tokens of an encoding a limit on their number keeps, never cutting inside the normalized expansion of one
/// character (a token that does not start cleanly stays with the one before it), and how much of the text they cover.
/// </summary>
internal static class TokenSpanLimits
{
    /// <summary>The most leading tokens, at most <paramref name="maxTokenCount"/>, that end between two characters.</summary>
    /// <param name="tokens">The encoding.</param>
    /// <param name="maxTokenCount">The limit (positive).</param>
    /// <returns>The number of leading tokens kept.</returns>
    public static int KeepFromStart(ReadOnlySpan<TokenSpan> tokens, int maxTokenCount)
    {
        int keep = Math.Min(maxTokenCount, tokens.Length);
        while (keep > 0 && keep < tokens.Length && !tokens[keep].StartsCleanly)
        {
            keep--;
        }

        return keep;
    }

    /// <summary>The end of the text the first <paramref name="keep"/> tokens cover: the whole text when all are kept.</summary>
    /// <param name="tokens">The encoding.</param>
    /// <param name="keep">The number of leading tokens kept.</param>
    /// <param name="textLength">The text's length.</param>
    /// <returns>The index in the text.</returns>
    public static int ConsumedFromStart(ReadOnlySpan<TokenSpan> tokens, int keep, int textLength) =>
        keep == tokens.Length ? textLength : keep == 0 ? 0 : tokens[keep - 1].End;

    /// <summary>The first of the most trailing tokens, at most <paramref name="maxTokenCount"/>, that start between two characters.</summary>
    /// <param name="tokens">The encoding.</param>
    /// <param name="maxTokenCount">The limit (positive).</param>
    /// <returns>The index of the first kept token (the number of tokens when none is kept).</returns>
    public static int FirstKeptFromEnd(ReadOnlySpan<TokenSpan> tokens, int maxTokenCount)
    {
        int first = Math.Max(tokens.Length - maxTokenCount, 0);
        while (first < tokens.Length && first > 0 && !tokens[first].StartsCleanly)
        {
            first++;
        }

        return first;
    }

    /// <summary>The start of the text the tokens from <paramref name="first"/> on cover: the text's length when none is kept.</summary>
    /// <param name="tokens">The encoding.</param>
    /// <param name="first">The index of the first kept token.</param>
    /// <param name="textLength">The text's length.</param>
    /// <returns>The index in the text.</returns>
    public static int StartFromEnd(ReadOnlySpan<TokenSpan> tokens, int first, int textLength) =>
        first == 0 ? 0 : first == tokens.Length ? textLength : tokens[first].Start;
}

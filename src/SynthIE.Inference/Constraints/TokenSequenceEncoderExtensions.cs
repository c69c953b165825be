namespace SynthIE.Inference.Constraints;

/// <summary>Convenience calls over <see cref="ITokenSequenceEncoder"/>.</summary>
internal static class TokenSequenceEncoderExtensions
{
    /// <summary>Returns the ids of <paramref name="text"/> with the end token, as a new array.</summary>
    public static int[] EncodeToArray(this ITokenSequenceEncoder encoder, ReadOnlySpan<char> text)
    {
        Span<int> buffer = stackalloc int[256];
        int count = encoder.Encode(text, buffer, out bool truncated);
        if (!truncated)
        {
            return buffer[..count].ToArray();
        }

        int size = Math.Max(512, text.Length * 2 + 8);
        while (true)
        {
            int[] large = new int[size];
            count = encoder.Encode(text, large, out truncated);
            if (!truncated)
            {
                return large.AsSpan(0, count).ToArray();
            }

            size *= 2;
        }
    }

    /// <summary>Returns the ids of <paramref name="text"/> without the trailing end token (SynthIE's <c>encode(x)[:-1]</c>).</summary>
    public static int[] EncodeWithoutEnd(this ITokenSequenceEncoder encoder, ReadOnlySpan<char> text)
    {
        int[] ids = encoder.EncodeToArray(text);
        return ids.Length > 0 && ids[^1] == encoder.EndOfSequenceId ? ids[..^1] : ids;
    }
}

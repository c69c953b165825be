using System.Globalization;
using System.Text;

namespace SynthIE.Inference.Internal;

/// <summary>
/// Makes text from files safe to show in messages and logs: control characters (terminal escape sequences among them),
/// bidirectional overrides and lone surrogates become <c>\uXXXX</c>, and long text is cut with a note of its length.
/// </summary>
internal static class DisplayText
{
    /// <summary>The most characters of a value shown in a message.</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>Returns <paramref name="text"/> escaped and cut to <paramref name="maxLength"/> characters.</summary>
    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        if (text is null)
        {
            return "null";
        }

        if (text.Length <= maxLength && !NeedsEscape(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 32);
        int shown = Math.Min(text.Length, maxLength);
        for (int i = 0; i < shown; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (i + 1 < shown)
                {
                    builder.Append(c).Append(text[i + 1]);
                }

                i++;
            }
            else if (IsUnsafe(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > maxLength)
        {
            builder.Append(CultureInfo.InvariantCulture, $"… ({text.Length:N0} characters in all)");
        }

        return builder.ToString();
    }

    /// <summary>Returns <paramref name="text"/> escaped, cut and in double quotes.</summary>
    public static string Quote(string? text, int maxLength = DefaultMaxLength) => text is null ? "null" : $"\"{Escape(text, maxLength)}\"";

    private static bool NeedsEscape(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u2028' or '\u2029';
}

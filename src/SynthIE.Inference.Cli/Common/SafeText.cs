using System.Globalization;
using System.Text;

namespace SynthIE.Inference.Cli.Common;

/// <summary>
/// Makes text that came from files (names, ids, library messages) safe to print on a terminal: control characters
/// (escape sequences, carriage returns, line breaks) become visible escapes such as <c>\u001b</c>, lone surrogates
/// become <c>\ud800</c>, and text longer than a limit is cut, saying how much was left out.
/// </summary>
internal static class SafeText
{
    /// <summary>The most characters of one name printed (a longer one is cut, with a count of the rest).</summary>
    public const int NameLimit = 200;

    /// <summary>The most characters of one message printed.</summary>
    public const int MessageLimit = 4000;

    /// <summary>Escapes control characters and cuts the text at <paramref name="limit"/> characters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="limit">The most characters kept.</param>
    /// <returns>Printable text on one line.</returns>
    public static string Escape(string? text, int limit = NameLimit)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var safe = new StringBuilder(Math.Min(text.Length, limit) + 16);
        int i = 0;
        for (; i < text.Length && safe.Length < limit; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069'))
            {
                safe.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }

        if (i < text.Length)
        {
            safe.Append(CultureInfo.InvariantCulture, $"... ({Formats.Count(text.Length - i, "more character")})");
        }

        return safe.ToString();
    }

    /// <summary>Turns a possibly multi-line message into one printable line: line breaks become spaces, other control characters escapes.</summary>
    /// <param name="message">The message.</param>
    /// <returns>One line.</returns>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string joined = string.Join(' ', message.Split('\n').Select(line => line.Trim('\r', ' ', '\t')).Where(line => line.Length > 0));
        return Escape(joined, MessageLimit);
    }

    /// <summary>Escapes control characters in a multi-line report, keeping its line breaks.</summary>
    /// <param name="text">The report.</param>
    /// <returns>The report, each line made safe (not cut).</returns>
    public static string KeepLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join('\n', text.Split('\n').Select(line => Escape(line, int.MaxValue)));
    }
}

using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Cli.Common;

/// <summary>
/// Makes text that came from files (names, ids, library messages) safe to print on a terminal, with the library's rules
/// (<see cref="DisplayText"/>): control characters (escape sequences, carriage returns, line breaks) become visible
/// escapes such as <c>\u001B</c>, lone surrogates <c>\uD800</c>, and text longer than a limit is cut, saying how long
/// it was.
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
    public static string Escape(string? text, int limit = NameLimit) =>
        string.IsNullOrEmpty(text) ? text ?? string.Empty : DisplayText.Escape(text, limit);

    /// <summary>Quotes a name for a message, escaped and cut to <paramref name="limit"/> characters.</summary>
    /// <param name="text">The name.</param>
    /// <param name="limit">The most characters kept.</param>
    /// <returns>The quoted text.</returns>
    public static string Quote(string? text, int limit = NameLimit) => DisplayText.Quote(text, limit);

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

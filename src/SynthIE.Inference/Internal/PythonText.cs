namespace SynthIE.Inference.Internal;

/// <summary>
/// Python's <c>str.strip()</c> without arguments and <c>not text.strip()</c>, over Python's whitespace
/// (<see cref="PythonWhitespace"/>), which SynthIE's name normalization and output splitting use. It differs from
/// <see cref="string.Trim()"/> on U+001C..U+001F.
/// </summary>
internal static class PythonText
{
    /// <summary>Removes leading and trailing whitespace like Python's <c>str.strip()</c>.</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text) => PythonWhitespace.TrimEnd(PythonWhitespace.TrimStart(text));

    /// <summary>Removes leading and trailing whitespace like Python's <c>str.strip()</c>.</summary>
    public static string Strip(string text)
    {
        ReadOnlySpan<char> stripped = Strip(text.AsSpan());
        return stripped.Length == text.Length ? text : stripped.ToString();
    }

    /// <summary>Returns whether the text is empty or only whitespace (Python: <c>not text.strip()</c>).</summary>
    public static bool IsBlank(ReadOnlySpan<char> text) => Strip(text).IsEmpty;
}

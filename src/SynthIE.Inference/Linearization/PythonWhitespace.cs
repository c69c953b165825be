namespace SynthIE.Inference.Linearization;

/// <summary>
/// Python's notion of whitespace (<c>str.isspace</c>, <c>str.strip()</c> without arguments), which SynthIE's name
/// normalization and output splitting use. It differs from <see cref="char.IsWhiteSpace(char)"/> on U+001C..U+001F.
/// </summary>
internal static class PythonWhitespace
{
    /// <summary>Returns whether Python's <c>str.isspace</c> is true for <paramref name="c"/>.</summary>
    public static bool IsWhiteSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001C' and <= '\u001F' => true,
        ' ' or '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Removes leading and trailing whitespace like Python's <c>str.strip()</c>.</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Removes leading and trailing whitespace like Python's <c>str.strip()</c>.</summary>
    public static string Strip(string text)
    {
        ReadOnlySpan<char> stripped = Strip(text.AsSpan());
        return stripped.Length == text.Length ? text : stripped.ToString();
    }

    /// <summary>Returns whether the text is empty or only whitespace (Python: <c>not text.strip()</c>).</summary>
    public static bool IsBlank(ReadOnlySpan<char> text) => Strip(text).IsEmpty;
}

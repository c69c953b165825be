namespace SynthIE.Inference.Internal;

/// <summary>
/// Python's <c>str.isspace</c> (general category Zs, or bidirectional class WS, B or S), which
/// <c>str.strip</c> uses; Hugging Face strips text next to special tokens with it. Every such character is in the BMP.
/// </summary>
internal static class PythonWhitespace
{
    public static bool IsWhiteSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001C' and <= ' ' => true,
        '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    public static ReadOnlySpan<char> TrimStart(ReadOnlySpan<char> text)
    {
        int start = 0;
        while (start < text.Length && IsWhiteSpace(text[start]))
        {
            start++;
        }

        return text[start..];
    }

    public static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> text)
    {
        int end = text.Length;
        while (end > 0 && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    public static string Trim(string text) => new(TrimEnd(TrimStart(text)));
}

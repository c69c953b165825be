using System.Text;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// Generates seeded random texts that exercise tokenizer normalization: English words and punctuation, accents and
/// combining marks, full-width forms, ligatures and other compatibility characters, CJK, Hangul, right-to-left scripts,
/// emoji (astral), zero-width and control characters, tabs, newlines, runs of spaces and Unicode spaces, and random
/// code points from the whole range. No lone surrogates and no special-token strings (sentencepiece sees neither).
/// </summary>
internal sealed class UnicodeTextGenerator
{
    private static readonly string[] Words =
    [
        "the", "The", "of", "and", "in", "Paris", "is", "capital", "France", "New", "York", "born", "1879", "Einstein",
        "don't", "it's", "we're", "I'm", "they've", "U.S.", "e.g.", "co-founder", "Wikipedia", "naïve", "café", "résumé",
        "Zürich", "São", "Paulo", "Москва", "Αθήνα", "東京", "北京市", "서울", "القاهرة", "ירושלים", "मुंबई", "กรุงเทพ",
        "[s]", "[r]", "[o]", "[e]", "(", ")", "\"", "'", ".", ",", "!", "?", ";", ":", "-", "—", "–", "…", "$", "€", "£",
        "%", "&", "#", "@", "*", "/", "\\", "_", "+", "=", ">", "<", "{", "}", "|", "~", "^", "`", "²", "½", "™", "©",
        "ﬁ", "ﬂ", "Ⅻ", "①", "㎞", "㍿", "ﷺ", "Å", "ǅ", "ẞ", "ß", "İ", "ı", "ŉ", "▁", "▁▁x",
    ];

    private static readonly (int From, int To)[] Ranges =
    [
        (0x0300, 0x036F), // combining diacritics
        (0x00C0, 0x024F), // Latin-1 supplement and extended
        (0xFF01, 0xFF5E), // full-width ASCII
        (0xFF61, 0xFFEE), // half-width katakana, full-width symbols
        (0xFB00, 0xFB4F), // ligatures, Hebrew presentation forms
        (0xFB50, 0xFDFF), // Arabic presentation forms A
        (0xFE70, 0xFEFF), // Arabic presentation forms B, BOM
        (0x4E00, 0x9FFF), // CJK
        (0x3040, 0x30FF), // kana
        (0xAC00, 0xD7A3), // Hangul syllables
        (0x1100, 0x11FF), // Hangul jamo
        (0x0590, 0x05FF), // Hebrew
        (0x0600, 0x06FF), // Arabic
        (0x0900, 0x097F), // Devanagari
        (0x0E00, 0x0E7F), // Thai
        (0x0370, 0x03FF), // Greek
        (0x0400, 0x04FF), // Cyrillic
        (0x2000, 0x206F), // general punctuation, zero-width, bidi controls
        (0x2070, 0x209F), // super- and subscripts
        (0x2100, 0x218F), // letterlike symbols, number forms
        (0x2460, 0x24FF), // enclosed alphanumerics
        (0x3000, 0x303F), // CJK symbols, ideographic space
        (0x3200, 0x33FF), // enclosed CJK, squared words
        (0x0000, 0x001F), // C0 controls
        (0x007F, 0x009F), // DEL, C1 controls
        (0x1D400, 0x1D7FF), // mathematical alphanumerics (astral)
        (0x1F300, 0x1F6FF), // emoji (astral)
        (0x1F900, 0x1F9FF), // emoji (astral)
        (0x2F800, 0x2FA1F), // CJK compatibility ideographs supplement (astral)
        (0xE000, 0xE0FF), // private use
        (0xFFF0, 0xFFFD), // specials incl. U+FFFD
    ];

    private static readonly string[] Spaces = [" ", "  ", "   ", "\t", "\n", "\r\n", " \t ", "\u00A0", "\u3000", "\u2003", "\u200B", "\u200D", "\uFEFF", "\u2028", "\u000B", "\u000C", "\u0085", "\u001F"];

    private readonly Random _random;

    public UnicodeTextGenerator(int seed)
    {
        _random = new Random(seed);
    }

    public string Next()
    {
        StringBuilder text = new();
        int chunks = _random.Next(0, 14);
        for (int i = 0; i < chunks; i++)
        {
            int kind = _random.Next(100);
            if (kind < 30)
            {
                text.Append(Words[_random.Next(Words.Length)]);
            }
            else if (kind < 50)
            {
                text.Append(Spaces[_random.Next(Spaces.Length)]);
            }
            else if (kind < 85)
            {
                (int from, int to) = Ranges[_random.Next(Ranges.Length)];
                int count = _random.Next(1, 5);
                for (int k = 0; k < count; k++)
                {
                    AppendCodePoint(text, _random.Next(from, to + 1));
                }
            }
            else if (kind < 93)
            {
                // A letter followed by combining marks.
                text.Append((char)_random.Next('a', 'z' + 1));
                int marks = _random.Next(1, 4);
                for (int k = 0; k < marks; k++)
                {
                    AppendCodePoint(text, _random.Next(0x0300, 0x0370));
                }
            }
            else
            {
                // Any code point.
                AppendCodePoint(text, _random.Next(0, 0x110000));
            }
        }

        return text.ToString();
    }

    private static void AppendCodePoint(StringBuilder text, int codePoint)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            codePoint = 0xFFFD - (codePoint & 0xF);
        }

        text.Append(char.ConvertFromUtf32(codePoint));
    }
}

using System.Text.RegularExpressions;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>
/// A stand-in for the library's linearization parser, for these tests only: SynthIE's fully-expanded rule (split the
/// text at <c>[s]</c>, <c>[r]</c>, <c>[o]</c>, <c>[e]</c>, drop blank parts, trim, group by three, drop an incomplete
/// tail). The text is well formed when the parts group exactly.
/// </summary>
internal static partial class FullyExpandedTestParser
{
    public static (IReadOnlyList<(string S, string R, string O)> triplets, bool parsedCleanly) Parse(string text)
    {
        string[] parts = [.. Markers().Split(text).Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => part.Trim())];
        var triplets = new List<(string S, string R, string O)>();
        for (int i = 0; i + 2 < parts.Length; i += 3)
        {
            triplets.Add((parts[i], parts[i + 1], parts[i + 2]));
        }

        return (triplets, parts.Length % 3 == 0);
    }

    /// <summary>Linearizes triplets the way SynthIE's fully-expanded linearization writes targets.</summary>
    public static string Linearize(IEnumerable<(string S, string R, string O)> triplets) =>
        string.Join(" ", triplets.Select(t =>
            $"[s] {t.S.Trim().Replace(' ', '_')} [r] {t.R.Trim().Replace('_', ' ')} [o] {t.O.Trim().Replace(' ', '_')} [e]"));

    [GeneratedRegex(@"\[s\]|\[r\]|\[o\]|\[e\]")]
    private static partial Regex Markers();
}

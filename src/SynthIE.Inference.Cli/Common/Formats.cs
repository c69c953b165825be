using System.Globalization;

namespace SynthIE.Inference.Cli.Common;

/// <summary>Number and duration formatting for messages (invariant culture).</summary>
internal static class Formats
{
    /// <summary>Formats a count with thousands separators, e.g. <c>12,345</c>.</summary>
    /// <param name="value">The count.</param>
    /// <returns>The text.</returns>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a count and a noun, plural unless the count is 1, e.g. <c>1 text</c>, <c>3 texts</c>.</summary>
    /// <param name="value">The count.</param>
    /// <param name="noun">The singular noun.</param>
    /// <param name="plural">The plural, when not the noun plus <c>s</c>.</param>
    /// <returns>The text.</returns>
    public static string Count(long value, string noun, string? plural = null) =>
        $"{Count(value)} {(value == 1 ? noun : plural ?? noun + "s")}";

    /// <summary>Formats a duration for people: <c>850 ms</c>, <c>12.3 s</c>, <c>4m 05s</c>, <c>2h 03m</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        return duration.TotalSeconds switch
        {
            < 1 => string.Create(c, $"{duration.TotalMilliseconds:F0} ms"),
            < 60 => string.Create(c, $"{duration.TotalSeconds:F1} s"),
            < 3600 => string.Create(c, $"{(int)duration.TotalMinutes}m {duration.Seconds:D2}s"),
            _ => string.Create(c, $"{(int)duration.TotalHours}h {duration.Minutes:D2}m"),
        };
    }

    /// <summary>Formats a rate, e.g. <c>8.3</c>.</summary>
    /// <param name="perSecond">Items per second.</param>
    /// <returns>The text.</returns>
    public static string Rate(double perSecond) =>
        perSecond.ToString(perSecond >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SynthIE.Inference.Cli.Common;

/// <summary>Factories for options whose values are checked while parsing, with one-line messages naming the option.</summary>
internal static class CliOptions
{
    /// <summary>An optional whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int?> Int(string name, string description, int minimum, string helpName = "N", params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseInt(result, name, minimum),
        };

    /// <summary>A whole number of at least <paramref name="minimum"/> with a default.</summary>
    public static Option<int> Int(string name, string description, int minimum, int defaultValue, string helpName = "N", params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseInt(result, name, minimum) ?? defaultValue,
        };

    /// <summary>An optional finite number.</summary>
    public static Option<double?> Double(string name, string description, string helpName = "X") =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                string token = Token(result);
                if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                {
                    return value;
                }

                result.AddError($"{name} must be a number, not '{token}'.");
                return null;
            },
        };

    /// <summary>A string option limited to some values (compared ordinally, case-insensitive), with a default.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values) =>
        new(name)
        {
            Description = $"{description} ({string.Join(", ", values)}; default {defaultValue})",
            HelpName = string.Join('|', values),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string token = Token(result);
                string? match = values.FirstOrDefault(value => string.Equals(value, token, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    result.AddError($"{name} must be one of {string.Join(", ", values)}, not '{token}'.");
                    return defaultValue;
                }

                return match;
            },
        };

    /// <summary>An optional string option limited to some values (compared ordinally, case-insensitive).</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] values) =>
        new(name)
        {
            Description = $"{description} ({string.Join(", ", values)})",
            HelpName = string.Join('|', values),
            CustomParser = result =>
            {
                string token = Token(result);
                string? match = values.FirstOrDefault(value => string.Equals(value, token, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    result.AddError($"{name} must be one of {string.Join(", ", values)}, not '{token}'.");
                }

                return match;
            },
        };

    /// <summary>A path option (checked by the command, which knows whether it must exist).</summary>
    public static Option<string?> Path(string name, string description, string helpName, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
        };

    /// <summary>A flag.</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    /// <summary>The <c>--quiet</c> (<c>-q</c>) flag every command that reports progress takes.</summary>
    /// <returns>The option.</returns>
    public static Option<bool> Quiet() => Flag("--quiet", "Nothing on standard error but errors.", "-q");

    private static int? ParseInt(ArgumentResult result, string name, int minimum)
    {
        string token = Token(result);
        if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }

        result.AddError(minimum == 0
            ? $"{name} must be a whole number of at least 0, not '{token}'."
            : $"{name} must be a whole number of at least {minimum.ToString(CultureInfo.InvariantCulture)}, not '{token}'.");
        return null;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
}

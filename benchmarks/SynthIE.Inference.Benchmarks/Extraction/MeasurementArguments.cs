using System.Globalization;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>The <c>--name value</c> and <c>--flag</c> arguments of the console measurements.</summary>
internal sealed class MeasurementArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public MeasurementArguments(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using IEnumerator<string> e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{name}' (options are --name value or --flag).");
            }

            if (flags.Contains(name))
            {
                _values[name] = null;
            }
            else
            {
                _values[name] = e.MoveNext() ? e.Current : throw new ArgumentException($"{name} needs a value.");
            }
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    public string Text(string name, string fallback)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out string? value) && value is not null ? value : fallback;
    }

    public int Integer(string name, int fallback, int minimum = 0)
    {
        string text = Text(name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new ArgumentException($"{name} must be an integer ≥ {minimum}, not '{text}'.");
    }

    /// <summary>Throws when an argument was given that no one asked for (a typo would otherwise be ignored).</summary>
    public void RejectUnknown()
    {
        string[] unknown = [.. _values.Keys.Where(k => !_used.Contains(k))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown)}.");
        }
    }
}

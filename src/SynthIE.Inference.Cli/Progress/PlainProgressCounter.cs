using System.Diagnostics;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Progress;

/// <summary>
/// Progress as plain lines on standard error, at most one per <see cref="Interval"/>:
/// <c>extract: 1,200/10,000 texts (12.0%), 8.3 texts/s, about 17m 40s left</c>, or <c>extract: 1,200 texts, 8.3 texts/s</c>
/// when the total is not known.
/// </summary>
internal sealed class PlainProgressCounter : IProgressCounter
{
    /// <summary>The least time between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TextWriter _error;
    private readonly string _description;
    private readonly string _unit;
    private readonly long? _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine;
    private long _done;

    public PlainProgressCounter(TextWriter error, string description, string unit, long? total)
    {
        _error = error;
        _description = description;
        _unit = unit;
        _total = total;
    }

    /// <inheritdoc/>
    public void Add(int count)
    {
        _done += count;
        TimeSpan now = _clock.Elapsed;
        if (now - _lastLine < Interval || _done >= _total)
        {
            return;
        }

        _lastLine = now;
        double rate = _done / Math.Max(now.TotalSeconds, 1e-9);
        if (_total is not long total)
        {
            _error.WriteLine($"{_description}: {Formats.Count(_done)} {_unit}, {Formats.Rate(rate)} {_unit}/s");
            _error.Flush();
            return;
        }

        string left = rate > 0 ? $", about {Formats.Duration(TimeSpan.FromSeconds((total - _done) / rate))} left" : string.Empty;
        double percent = total == 0 ? 100 : 100.0 * _done / total;
        _error.WriteLine(FormattableString.Invariant(
            $"{_description}: {Formats.Count(_done)}/{Formats.Count(total)} {_unit} ({percent:F1}%), {Formats.Rate(rate)} {_unit}/s{left}"));
        _error.Flush();
    }
}

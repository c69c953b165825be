using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Progress;

/// <summary>A progress column with the current rate, e.g. <c>8.3 texts/s</c>.</summary>
internal sealed class RateColumn : ProgressColumn
{
    private readonly string _unit;

    public RateColumn(string unit)
    {
        _unit = unit;
    }

    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is double speed
            ? string.Create(CultureInfo.InvariantCulture, $"{Formats.Rate(speed)} {_unit}/s")
            : $"- {_unit}/s");
}

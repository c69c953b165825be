using Spectre.Console;
using Spectre.Console.Rendering;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Progress;

/// <summary>A progress column with the finished and total counts, e.g. <c>1,200/10,000</c> (only the finished count when the total is not known).</summary>
internal sealed class CountColumn : ProgressColumn
{
    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.IsIndeterminate ? Formats.Count((long)task.Value) : $"{Formats.Count((long)task.Value)}/{Formats.Count((long)task.MaxValue)}");
}

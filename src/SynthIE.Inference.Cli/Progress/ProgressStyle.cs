namespace SynthIE.Inference.Cli.Progress;

/// <summary>How a command shows progress on standard error.</summary>
internal enum ProgressStyle
{
    /// <summary>A live Spectre.Console bar when standard error is a terminal and the work is long; plain periodic lines otherwise.</summary>
    Auto,

    /// <summary>Plain periodic lines (<c>--no-progress</c>).</summary>
    Plain,

    /// <summary>Nothing (<c>--quiet</c>).</summary>
    Off,
}

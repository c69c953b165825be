namespace SynthIE.Inference.Cli.Common;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>A file was missing or malformed, a model or world could not be loaded, or the work failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong (unknown option, bad value, options that exclude each other).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C or SIGTERM) before the work was done; what was finished was kept (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Standard output was closed by its reader (e.g. <c>| head</c>) before every result was written (128 + SIGPIPE, as shells report it).</summary>
    public const int OutputClosed = 141;
}

using Microsoft.Extensions.Logging;

namespace SynthIE.Inference.Internal;

/// <summary>The extractor's log messages (source-generated, no cost when logging is off).</summary>
internal static partial class ExtractorLog
{
    [LoggerMessage(1, LogLevel.Warning, "{Directory} has no {Manifest}: using SynthIE's defaults (fully expanded, length penalty 1.0, 10 beams).")]
    public static partial void NoManifest(ILogger logger, string directory, string manifest);

    [LoggerMessage(2, LogLevel.Information, "Loading the world from {WorldDirectory}.")]
    public static partial void LoadingWorld(ILogger logger, string worldDirectory);

    [LoggerMessage(3, LogLevel.Information, "Loaded {Model} ({Linearization}, {Beams} beams, length penalty {LengthPenalty}, constrained: {Constrained}) on {Device}.")]
    public static partial void Loaded(ILogger logger, string model, string linearization, int beams, double lengthPenalty, bool constrained, string device);

    [LoggerMessage(4, LogLevel.Debug, "Text {Index} was cut to {Tokens} input tokens.")]
    public static partial void Truncated(ILogger logger, int index, int tokens);

    [LoggerMessage(5, LogLevel.Warning, "Trie cache: {Note}.")]
    public static partial void TrieCache(ILogger logger, string note);
}

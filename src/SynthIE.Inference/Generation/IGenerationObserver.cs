namespace SynthIE.Inference.Generation;

/// <summary>
/// Watches where a generation call's time goes (used by the benchmarks through <see cref="GenerationStatistics"/>). Kept
/// off the hot path: callers pass <see langword="null"/> when nobody watches, and the code that times a run checks for
/// <see langword="null"/> once per run before reading the clock.
/// </summary>
internal interface IGenerationObserver
{
    /// <summary>Called after the encoder's run.</summary>
    /// <param name="ticks">Stopwatch ticks spent inside the run.</param>
    void EncoderRan(long ticks);

    /// <summary>Called after each decoder step's run.</summary>
    /// <param name="ticks">Stopwatch ticks spent inside the run.</param>
    void DecoderStepRan(long ticks);

    /// <summary>Called once a generation call returned its results.</summary>
    /// <param name="generatedTokens">The tokens of the returned best sequences, without the start tokens.</param>
    /// <param name="totalTicks">Stopwatch ticks of the whole call.</param>
    void GenerationEnded(long generatedTokens, long totalTicks);
}

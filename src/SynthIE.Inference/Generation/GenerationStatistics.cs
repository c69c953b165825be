using System.Diagnostics;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Where generation time goes: inside the model runtime's run (encoder and decoder) versus everything else (the search,
/// the constraint, copies of logits and caches). An <see cref="IGenerationObserver"/> passed to
/// <see cref="Generator.Generate"/>; used by the benchmarks to measure the decoder loop's own overhead. Not thread-safe:
/// one instance per generation call at a time.
/// </summary>
internal sealed class GenerationStatistics : IGenerationObserver
{
    /// <summary>Gets the number of decoder steps run.</summary>
    public int DecoderSteps { get; private set; }

    /// <summary>Gets the number of generated tokens in the returned best sequences (without the start token).</summary>
    public long GeneratedTokens { get; private set; }

    /// <summary>Gets the Stopwatch ticks spent inside the encoder's run.</summary>
    public long EncoderRunTicks { get; private set; }

    /// <summary>Gets the Stopwatch ticks spent inside the decoder's runs.</summary>
    public long DecoderRunTicks { get; private set; }

    /// <summary>Gets the Stopwatch ticks of the whole generation calls.</summary>
    public long TotalTicks { get; private set; }

    /// <summary>Gets the share of the wall time spent outside the runs.</summary>
    public double OverheadShare => TotalTicks == 0 ? 0 : 1.0 - ((double)(EncoderRunTicks + DecoderRunTicks) / TotalTicks);

    /// <summary>Gets the wall time of the whole calls.</summary>
    public TimeSpan Total => Stopwatch.GetElapsedTime(0, TotalTicks);

    /// <inheritdoc/>
    public void EncoderRan(long ticks) => EncoderRunTicks += ticks;

    /// <inheritdoc/>
    public void DecoderStepRan(long ticks)
    {
        DecoderRunTicks += ticks;
        DecoderSteps++;
    }

    /// <inheritdoc/>
    public void GenerationEnded(long generatedTokens, long totalTicks)
    {
        GeneratedTokens += generatedTokens;
        TotalTicks += totalTicks;
    }

    /// <summary>Adds another call's figures to these.</summary>
    /// <param name="other">The other call's statistics.</param>
    public void Add(GenerationStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        DecoderSteps += other.DecoderSteps;
        GeneratedTokens += other.GeneratedTokens;
        EncoderRunTicks += other.EncoderRunTicks;
        DecoderRunTicks += other.DecoderRunTicks;
        TotalTicks += other.TotalTicks;
    }
}

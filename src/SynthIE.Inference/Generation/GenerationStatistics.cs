using System.Diagnostics;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Where generation time goes: inside ONNX Runtime's <c>Run</c> (encoder and decoder) versus everything else (the search,
/// the constraint, copies of logits and caches). Filled by <c>T5OnnxGenerator</c> when one is passed in; used by the
/// benchmarks to measure the decoder loop's own overhead. Not thread-safe: one instance per generation call.
/// </summary>
internal sealed class GenerationStatistics
{
    /// <summary>Gets the number of decoder steps run.</summary>
    public int DecoderSteps { get; private set; }

    /// <summary>Gets the number of generated tokens in the returned best sequences (without the start token).</summary>
    public long GeneratedTokens { get; internal set; }

    /// <summary>Gets the Stopwatch ticks spent inside the encoder's <c>Run</c>.</summary>
    public long EncoderRunTicks { get; private set; }

    /// <summary>Gets the Stopwatch ticks spent inside the decoder's <c>Run</c>.</summary>
    public long DecoderRunTicks { get; private set; }

    /// <summary>Gets the Stopwatch ticks of the whole generation call.</summary>
    public long TotalTicks { get; internal set; }

    /// <summary>Gets the share of the wall time spent outside ONNX Runtime's <c>Run</c>.</summary>
    public double OverheadShare => TotalTicks == 0 ? 0 : 1.0 - ((double)(EncoderRunTicks + DecoderRunTicks) / TotalTicks);

    /// <summary>Gets the wall time of the whole call.</summary>
    public TimeSpan Total => Stopwatch.GetElapsedTime(0, TotalTicks);

    internal void AddEncoderRun(long ticks) => EncoderRunTicks += ticks;

    internal void AddDecoderRun(long ticks)
    {
        DecoderRunTicks += ticks;
        DecoderSteps++;
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

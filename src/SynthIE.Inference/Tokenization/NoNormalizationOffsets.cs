using System.Runtime.CompilerServices;

namespace SynthIE.Inference.Tokenization;

/// <summary>Discards every position: the id-only path normalizes through this, so the calls compile to nothing.</summary>
internal struct NoNormalizationOffsets : INormalizationOffsets
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Begin(int inputStart)
    {
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Unit(int outputStart, int outputEnd, int inputEnd)
    {
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Content(int inputEnd)
    {
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Step(ReadOnlySpan<byte> normalized, int inputEnd)
    {
    }
}

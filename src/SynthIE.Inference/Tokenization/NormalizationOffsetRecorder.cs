using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// Records, per normalized output byte, the input position where its unit ends and whether the byte starts its unit,
/// and answers <see cref="InputPosition"/>: the input position that corresponds to a boundary between normalized bytes.
/// Characters that produce no output (whitespace collapsed or dropped, characters the map deletes) belong to the next
/// unit; a boundary inside one unit (a piece boundary inside the expansion of one character, e.g. a ligature) maps to
/// the unit's end, so the whole character goes to the piece where its expansion starts. The array comes from
/// <see cref="ScratchArrays"/>; call <see cref="Dispose"/> to give it back.
/// </summary>
internal struct NormalizationOffsetRecorder : INormalizationOffsets, IDisposable
{
    /// <summary>Per output byte: the unit's input end, stored bitwise-complemented (negative) on the unit's first byte.</summary>
    private int[] _ends;
    private int _inputStart;
    private int _contentEnd;

    public NormalizationOffsetRecorder(int initialCapacity)
    {
        _ends = ScratchArrays.Rent<int>(Math.Max(initialCapacity, 16));
        _inputStart = 0;
        _contentEnd = 0;
    }

    /// <inheritdoc />
    public void Begin(int inputStart)
    {
        _inputStart = inputStart;
        _contentEnd = inputStart;
    }

    /// <inheritdoc />
    public void Unit(int outputStart, int outputEnd, int inputEnd)
    {
        if (outputEnd > _ends.Length)
        {
            int[] bigger = ScratchArrays.Rent<int>(Math.Max(outputEnd, 2 * _ends.Length));
            _ends.AsSpan(0, outputStart).CopyTo(bigger);
            ScratchArrays.Return(_ends);
            _ends = bigger;
        }

        if (outputStart == outputEnd)
        {
            return;
        }

        _ends[outputStart] = ~inputEnd;
        _ends.AsSpan(outputStart + 1, outputEnd - outputStart - 1).Fill(inputEnd);
    }

    /// <inheritdoc />
    public void Content(int inputEnd) => _contentEnd = Math.Max(_contentEnd, inputEnd);

    /// <inheritdoc />
    public void Step(ReadOnlySpan<byte> normalized, int inputEnd)
    {
        // Whitespace normalizes to spaces only; everything else (deleted characters included) is content.
        if (normalized.IsEmpty || normalized.IndexOfAnyExcept((byte)' ') >= 0)
        {
            Content(inputEnd);
        }
    }

    /// <summary>Gets whether a boundary of the normalized output lies between two units (not inside one).</summary>
    /// <param name="position">The output position, 0 to <paramref name="outputLength"/>.</param>
    /// <param name="outputLength">The length of the normalized output.</param>
    public readonly bool IsUnitBoundary(int position, int outputLength) => position <= 0 || position >= outputLength || _ends[position] < 0;

    /// <summary>Maps a boundary of the normalized output to an input position (see the type's remarks).</summary>
    /// <param name="position">The output position, 0 to <paramref name="outputLength"/>.</param>
    /// <param name="outputLength">The length of the normalized output (the trimmed length).</param>
    /// <returns>The input position.</returns>
    public readonly int InputPosition(int position, int outputLength)
    {
        if (position <= 0)
        {
            return _inputStart;
        }

        if (position >= outputLength)
        {
            // The end also takes the characters after the last unit that were not whitespace (deleted by the map).
            return outputLength == 0 ? _contentEnd : Math.Max(End(outputLength - 1), _contentEnd);
        }

        int value = _ends[position];
        return value < 0 ? End(position - 1) : value;
    }

    public void Dispose()
    {
        int[] ends = _ends;
        _ends = [];
        ScratchArrays.Return(ends);
    }

    private readonly int End(int position)
    {
        int value = _ends[position];
        return value < 0 ? ~value : value;
    }
}

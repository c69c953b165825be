using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>The pooled buffers one call of the token-span encoder reuses for every stretch of text; dispose to return them.</summary>
internal ref struct SpanScratch
{
    /// <summary>The stretch of text in UTF-8.</summary>
    public PooledBuffer<byte> Utf8;

    /// <summary>For each UTF-8 byte (and one past the end), the index of its character in the stretch.</summary>
    public PooledBuffer<int> CharacterOfByte;

    /// <summary>The normalized stretch.</summary>
    public PooledBuffer<byte> Normalized;

    /// <summary>Where each normalized unit came from.</summary>
    public NormalizationOffsetRecorder Offsets;

    /// <summary>The piece ids of the stretch.</summary>
    public PooledBuffer<int> Ids;

    /// <summary>Where each piece ends in the normalized stretch.</summary>
    public PooledBuffer<int> Ends;

    public SpanScratch(int textLength)
    {
        int bytes = Math.Min((textLength * 3) + 1, ScratchArrays.MaxPooledLength);
        Utf8 = new PooledBuffer<byte>(bytes);
        CharacterOfByte = new PooledBuffer<int>(bytes);
        Normalized = new PooledBuffer<byte>(bytes);
        Offsets = new NormalizationOffsetRecorder(bytes);
        Ids = new PooledBuffer<int>(Math.Min((textLength / 3) + 16, ScratchArrays.MaxPooledLength));
        Ends = new PooledBuffer<int>(Math.Min((textLength / 3) + 16, ScratchArrays.MaxPooledLength));
    }

    public void Dispose()
    {
        Utf8.Dispose();
        CharacterOfByte.Dispose();
        Normalized.Dispose();
        Offsets.Dispose();
        Ids.Dispose();
        Ends.Dispose();
    }
}

namespace SynthIE.Inference.Generation;

/// <summary>Why a generated sequence ended.</summary>
internal enum FinishReason
{
    /// <summary>The model chose the end-of-sequence token; the sequence ends with it.</summary>
    EndOfSequence = 0,

    /// <summary>The sequence reached <see cref="DecodingOptions.MaxLength"/> tokens without an end-of-sequence token.</summary>
    MaxLength = 1,
}

namespace SynthIE.Inference.Tokenization;

/// <summary>The type of a piece in a SentencePiece model (<c>ModelProto.SentencePiece.Type</c>, same numbers).</summary>
internal enum SentencePieceType
{
    /// <summary>An ordinary piece, found by segmentation.</summary>
    Normal = 1,

    /// <summary>The unknown piece (<c>&lt;unk&gt;</c>).</summary>
    Unknown = 2,

    /// <summary>A control symbol (<c>&lt;pad&gt;</c>, <c>&lt;/s&gt;</c>): never produced by segmentation.</summary>
    Control = 3,

    /// <summary>A user-defined symbol: always kept whole.</summary>
    UserDefined = 4,

    /// <summary>A piece that is in the vocabulary but never used by segmentation.</summary>
    Unused = 5,

    /// <summary>A byte-fallback piece (<c>&lt;0xNN&gt;</c>).</summary>
    Byte = 6,
}

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// What a T5 tokenizer needs from a SentencePiece Unigram model, whichever file it came from: the pieces with scores
/// and types, the normalizer's precompiled character map and its whitespace options.
/// </summary>
internal sealed class SentencePieceModelData
{
    public const int DefaultExtraIdCount = 100;

    public SentencePieceModelData(
        string sourceName,
        string[] pieces,
        float[] scores,
        SentencePieceType[] types,
        byte[] precompiledCharsMap,
        bool addDummyPrefix,
        bool removeExtraWhitespaces,
        bool escapeWhitespaces,
        int extraIdCount)
    {
        SourceName = sourceName;
        Pieces = pieces;
        Scores = scores;
        Types = types;
        PrecompiledCharsMap = precompiledCharsMap;
        AddDummyPrefix = addDummyPrefix;
        RemoveExtraWhitespaces = removeExtraWhitespaces;
        EscapeWhitespaces = escapeWhitespaces;
        ExtraIdCount = extraIdCount;
    }

    /// <summary>Gets the file (or caller-given name) the model was read from, for error messages.</summary>
    public string SourceName { get; }

    /// <summary>Gets the SentencePiece pieces; a piece's id is its index.</summary>
    public string[] Pieces { get; }

    public float[] Scores { get; }

    public SentencePieceType[] Types { get; }

    /// <summary>Gets the normalizer's precompiled map (empty: no normalization beyond whitespace handling).</summary>
    public byte[] PrecompiledCharsMap { get; }

    public bool AddDummyPrefix { get; }

    public bool RemoveExtraWhitespaces { get; }

    public bool EscapeWhitespaces { get; }

    /// <summary>Gets the number of <c>&lt;extra_id_N&gt;</c> tokens appended after the pieces.</summary>
    public int ExtraIdCount { get; }

    /// <summary>Checks what <see cref="T5Tokenizer"/> relies on and fails naming the source and the problem.</summary>
    public void Validate()
    {
        if (Pieces.Length != Scores.Length || Pieces.Length != Types.Length)
        {
            throw Invalid("the piece, score and type lists differ in length");
        }

        if (Pieces.Length < 4)
        {
            throw Invalid($"it has {Pieces.Length} pieces; a T5 vocabulary has <pad>, </s>, <unk> and ordinary pieces");
        }

        ExpectSpecial(T5Tokenizer.PadId, "<pad>", SentencePieceType.Control);
        ExpectSpecial(T5Tokenizer.EndOfSequenceId, "</s>", SentencePieceType.Control);
        ExpectSpecial(T5Tokenizer.UnknownId, "<unk>", SentencePieceType.Unknown);
        bool hasNormal = false;
        for (int id = 0; id < Pieces.Length; id++)
        {
            SentencePieceType type = Types[id];
            switch (type)
            {
                case SentencePieceType.Normal:
                    hasNormal = true;
                    if (Pieces[id].Length == 0)
                    {
                        throw Invalid($"piece {id} is empty");
                    }

                    if (!float.IsFinite(Scores[id]))
                    {
                        throw Invalid($"piece {id} ('{Pieces[id]}') has score {Scores[id]}");
                    }

                    break;
                case SentencePieceType.Unknown when id != T5Tokenizer.UnknownId:
                    throw Invalid($"piece {id} ('{Pieces[id]}') is a second unknown piece");
                case SentencePieceType.Control or SentencePieceType.Unknown or SentencePieceType.Unused:
                    break;
                case SentencePieceType.UserDefined or SentencePieceType.Byte:
                    throw Invalid($"piece {id} ('{Pieces[id]}') has type {type}, which T5 vocabularies do not use and this tokenizer does not support");
                default:
                    throw Invalid($"piece {id} ('{Pieces[id]}') has unknown type {(int)type}");
            }
        }

        if (!hasNormal)
        {
            throw Invalid("it has no ordinary pieces");
        }

        if (ExtraIdCount is < 0 or > 10_000)
        {
            throw Invalid($"{ExtraIdCount} extra ids");
        }
    }

    private void ExpectSpecial(int id, string piece, SentencePieceType type)
    {
        if (Pieces[id] != piece || Types[id] != type)
        {
            throw Invalid($"id {id} must be {piece} of type {type} (as in T5), found '{Pieces[id]}' of type {Types[id]}");
        }
    }

    private InvalidDataException Invalid(string what) => new($"{SourceName}: not a usable T5 SentencePiece model: {what}.");
}

using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.Tokenizers;
using SynthIE.Inference.Internal;
using SynthIE.Inference.Tokenization;

namespace SynthIE.Inference;

/// <summary>
/// The T5 tokenizer exactly as Hugging Face transformers 4.23 <c>T5Tokenizer</c> (the "slow" one, on
/// SentencePiece 0.1.97) encodes and decodes: SentencePiece Unigram segmentation after the model's precompiled
/// normalizer, special tokens written in the text split out first, <c>&lt;extra_id_N&gt;</c> = vocabulary size − 1 − N,
/// and <c>&lt;/s&gt;</c> appended. Immutable and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// <para>Ids: <c>&lt;pad&gt;</c> = 0, <c>&lt;/s&gt;</c> = 1, <c>&lt;unk&gt;</c> = 2, SentencePiece pieces 3 … 31,999,
/// <c>&lt;extra_id_99&gt;</c> = 32,000 … <c>&lt;extra_id_0&gt;</c> = 32,099 (flan-t5: 32,100 ids; the model's output
/// layer has 32,128 rows, the last 28 of which no text encodes to).</para>
/// <para>Encoding (Hugging Face <c>tokenize</c> + <c>build_inputs_with_special_tokens</c>): the special tokens
/// <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c> and <c>&lt;extra_id_0&gt;</c> … <c>&lt;extra_id_99&gt;</c>
/// written in the text become their ids, and the text next to them loses its whitespace on that side (Python
/// <c>str.isspace</c>); each remaining stretch of text is encoded by SentencePiece on its own; the end token is appended
/// unless the ids already end with it.</para>
/// <para>Unusual input: a lone (unpaired) UTF-16 surrogate is handled as SentencePiece handles a malformed UTF-8 byte:
/// it becomes U+FFFD after normalization, which is not a piece, so it encodes to <c>&lt;unk&gt;</c> (merged with
/// unknown characters next to it). Python cannot pass such a string to SentencePiece at all (it raises), so this is the
/// byte-level behaviour of SentencePiece's C++ code. Control characters follow the model's normalization map (nmt_nfkc
/// deletes most of them; tab, newline and carriage return become spaces). Memory grows linearly with the text: about
/// 20 bytes per UTF-8 byte for the duration of the call (SentencePiece's lattice needs the same).</para>
/// <para>As a <see cref="Tokenizer"/> (Microsoft.ML.Tokenizers), for code that accepts any tokenizer: every encoding
/// method of the base class gives exactly the ids of <see cref="EncodeToIds(string, bool)"/> with the end token, and
/// <see cref="Tokenizer.CountTokens(string, bool, bool)"/> their number. The T5 normalization (the model's precompiled
/// map, whitespace collapsing, the dummy prefix) is part of the model, so <c>considerNormalization</c> and
/// <c>considerPreTokenization</c> change nothing, <see cref="Tokenizer.Normalizer"/> and
/// <see cref="Tokenizer.PreTokenizer"/> are null, and the <c>normalizedText</c> results are always null: every offset
/// refers to the text as given. <see cref="Tokenizer.EncodeToTokens(string, out string?, bool, bool)"/> gives each token
/// its span of the original text: a character whose normalization expands (full-width forms, ligatures) belongs to the
/// token where its expansion starts, and later tokens inside the same expansion get an empty span at its end; the
/// dummy-prefix <c>▁</c> standing alone gets an empty span where the word starts; a collapsed run of whitespace and
/// characters the map deletes belong to the token after them (the last token also takes deleted characters after it);
/// the appended <c>&lt;/s&gt;</c> gets an empty span at the end of the text; a special token written in the text gets
/// its own characters. So spans never overlap, follow each other in order, and every character that normalizes to
/// something other than whitespace lies in exactly one token's span. A limit on the number of tokens
/// (<see cref="Tokenizer.GetIndexByTokenCount(string, int, out string?, out int, bool, bool)"/>,
/// <see cref="Tokenizer.EncodeToIds(string, int, out string?, out int, bool, bool)"/>) keeps the first tokens of that
/// same encoding, never cutting inside one character's expansion, and reports the end of the last kept token's span
/// (the whole text when every token is kept).</para>
/// <para>Overloads: with a <see cref="T5Tokenizer"/> variable, <c>EncodeToIds(text, false)</c> and
/// <c>CountTokens(text, false)</c> bind to this class's <c>addEndOfSequence</c> overloads; through a
/// <see cref="Tokenizer"/> variable the same call means <c>considerPreTokenization: false</c>, which is ignored, so the
/// end token is then included. <see cref="Decode(IEnumerable{int})"/> decodes as <see cref="Decode(ReadOnlySpan{int}, bool, bool)"/>
/// with its defaults (special tokens skipped, spaces cleaned up).</para>
/// </remarks>
public sealed class T5Tokenizer : Tokenizer
{
    /// <summary>The id of <c>&lt;pad&gt;</c> (also T5's decoder start token).</summary>
    public const int PadId = 0;

    /// <summary>The id of the end token <c>&lt;/s&gt;</c>.</summary>
    public const int EndOfSequenceId = 1;

    /// <summary>The id of <c>&lt;unk&gt;</c>.</summary>
    public const int UnknownId = 2;

    private readonly T5Encoder _encoder;
    private readonly T5Decoder _decoder;
    private readonly Dictionary<string, int> _pieceIds;

    private T5Tokenizer(SentencePieceModelData model)
    {
        _decoder = new T5Decoder(model.Pieces, model.ExtraIdCount);
        _pieceIds = new Dictionary<string, int>(model.Pieces.Length, StringComparer.Ordinal);
        for (int id = 0; id < model.Pieces.Length; id++)
        {
            _ = _pieceIds.TryAdd(model.Pieces[id], id);
        }

        _encoder = new T5Encoder(model);
        SourceName = model.SourceName;
    }

    /// <summary>Gets the number of ids: the SentencePiece pieces plus the <c>&lt;extra_id_N&gt;</c> tokens (32,100 for T5).</summary>
    public int VocabularySize => _decoder.VocabularySize;

    /// <summary>Gets the file (or the name given with the stream) the tokenizer was loaded from.</summary>
    public string SourceName { get; }

    /// <summary>Loads a SentencePiece model file (<c>spiece.model</c>), with the 100 <c>&lt;extra_id_N&gt;</c> tokens T5 adds.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The file is not a SentencePiece Unigram model with T5's special pieces.</exception>
    public static T5Tokenizer FromSentencePieceModel(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data = File.ReadAllBytes(path);
        return new T5Tokenizer(SentencePieceModelReader.Read(data, path));
    }

    /// <summary>Loads a SentencePiece model (<c>spiece.model</c> contents) from a stream.</summary>
    /// <param name="stream">The model's bytes; read to the end, not closed.</param>
    /// <param name="sourceName">A name for the model used in error messages (e.g. the file or resource name).</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The data is not a SentencePiece Unigram model with T5's special pieces.</exception>
    public static T5Tokenizer FromSentencePieceModel(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        using MemoryStream copy = new();
        stream.CopyTo(copy);
        return new T5Tokenizer(SentencePieceModelReader.Read(copy.GetBuffer().AsSpan(0, (int)copy.Length), sourceName));
    }

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> with a Unigram model (as converted from a T5 SentencePiece model).
    /// Encoding follows the slow tokenizer's SentencePiece semantics, so results equal <see cref="FromSentencePieceModel(string)"/>
    /// for the same vocabulary; the json's own normalizer steps other than the precompiled map, its post-processor and
    /// its added-token stripping options are not used.
    /// </summary>
    /// <param name="path">The tokenizer.json file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The file is not such a tokenizer.json.</exception>
    public static T5Tokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        return new T5Tokenizer(TokenizerJsonReader.Read(stream, path));
    }

    /// <summary>Loads <c>spiece.model</c> from a folder if it is there, otherwise <c>tokenizer.json</c>.</summary>
    /// <param name="directory">A Hugging Face model folder.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The folder has neither file.</exception>
    public static T5Tokenizer FromDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string model = Path.Combine(directory, "spiece.model");
        if (File.Exists(model))
        {
            return FromSentencePieceModel(model);
        }

        string json = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(json))
        {
            return FromTokenizerJson(json);
        }

        throw new FileNotFoundException($"No T5 tokenizer in {directory}: neither {model} nor {json} exists.", model);
    }

    /// <summary>Encodes text to ids (Hugging Face <c>T5Tokenizer(text).input_ids</c> with <paramref name="addEndOfSequence"/>).</summary>
    /// <param name="text">The text; empty or whitespace-only text gives no pieces.</param>
    /// <param name="addEndOfSequence">Whether to append <c>&lt;/s&gt;</c> (not when the ids already end with it).</param>
    /// <returns>The ids.</returns>
    public IReadOnlyList<int> EncodeToIds(string text, bool addEndOfSequence = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _encoder.EncodeToIdArray(text, addEndOfSequence);
    }


    /// <summary>
    /// Encodes text into <paramref name="destination"/> without allocating, truncating as Hugging Face does with
    /// <c>truncation=True, max_length=destination.Length</c>: with <paramref name="addEndOfSequence"/>, when the pieces and
    /// the end token do not fit, the first <c>destination.Length − 1</c> pieces are kept and <c>&lt;/s&gt;</c> follows
    /// (SynthIE: 255 pieces + <c>&lt;/s&gt;</c> for 256); as always, no end token is added when the kept ids already end
    /// with it.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Where to write the ids; its length is the maximum length.</param>
    /// <param name="addEndOfSequence">Whether to append <c>&lt;/s&gt;</c>.</param>
    /// <param name="truncated">Set when pieces were dropped.</param>
    /// <returns>The number of ids written.</returns>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> destination, bool addEndOfSequence, out bool truncated) =>
        _encoder.EncodeToIds(text, destination, addEndOfSequence, out truncated);

    /// <summary>Counts the ids <see cref="EncodeToIds(string, bool)"/> would return, without allocating them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addEndOfSequence">Whether the end token is counted (when the pieces do not already end with it).</param>
    /// <returns>The number of ids.</returns>
    public int CountTokens(string text, bool addEndOfSequence = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _encoder.Count(text, addEndOfSequence);
    }

    /// <summary>
    /// Decodes ids as Hugging Face 4.23 <c>T5Tokenizer.decode</c>: with <paramref name="skipSpecialTokens"/>, every
    /// special id is dropped (<c>&lt;pad&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c> and all <c>&lt;extra_id_N&gt;</c>);
    /// otherwise special tokens appear as written, each followed by a space. Pieces are joined with <c>▁</c> as a space,
    /// the leading space of the first piece of a stretch dropped, the result stripped, and with
    /// <paramref name="cleanUpTokenizationSpaces"/> the spaces before <c>. ? ! ,</c> and the English contractions
    /// <c>n't 'm 's 've 're</c> removed and <c>" ' "</c> made <c>"'"</c>. Ids at or past <see cref="VocabularySize"/>
    /// (the model's 28 unused output rows) are written as <c>&lt;extra_id_−k&gt;</c> as Hugging Face does.
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <param name="skipSpecialTokens">Whether to drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Whether to apply Hugging Face's clean-up of spaces.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true, bool cleanUpTokenizationSpaces = true) =>
        _decoder.Decode(ids, skipSpecialTokens, cleanUpTokenizationSpaces);

    /// <summary>
    /// Decodes ids with nothing skipped or cleaned: each id's piece (<see cref="IdToPiece"/>, so special tokens appear as
    /// <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;extra_id_N&gt;</c>) concatenated, with every
    /// <c>▁</c> (U+2581) replaced by a space; the leading space is kept and nothing is trimmed.
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabularySize"/>.</exception>
    public string DecodeRaw(ReadOnlySpan<int> ids) => _decoder.DecodeRaw(ids);

    /// <summary>Returns the piece of an id (<c>&lt;extra_id_N&gt;</c> for the sentinels), or null when the id is out of range.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The piece, or null.</returns>
    public string? IdToPiece(int id) => _decoder.IdToPiece(id);

    /// <summary>Returns the id of a piece or special token, or -1 when it is not in the vocabulary.</summary>
    /// <param name="piece">The piece (with <c>▁</c> for a leading space), e.g. <c>▁The</c> or <c>&lt;extra_id_0&gt;</c>.</param>
    /// <returns>The id, or -1.</returns>
    public int PieceToId(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (_pieceIds.TryGetValue(piece, out int id))
        {
            return id;
        }

        return _encoder.TryMatchExtraId(piece, out int length, out int extraId) && length == piece.Length ? extraId : -1;
    }

    /// <summary>
    /// Decodes ids as <see cref="Decode(ReadOnlySpan{int}, bool, bool)"/> does with its defaults: special tokens dropped,
    /// Hugging Face's clean-up of spaces applied.
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Decode(AsSpan(ids));
    }

    /// <summary>
    /// Decodes ids as <see cref="Decode(IEnumerable{int})"/> into <paramref name="destination"/>. When the whole text does
    /// not fit, writes the decoding of the longest run of leading ids whose decoding fits and returns
    /// <see cref="OperationStatus.DestinationTooSmall"/>.
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <param name="destination">Where to write the text.</param>
    /// <param name="idsConsumed">The number of leading ids whose decoding was written.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _decoder.Decode(AsSpan(ids), destination, out idsConsumed, out charsWritten);
    }

    /// <summary>
    /// Encodes text to ids with the end token, as <see cref="EncodeToIds(string, bool)"/>; with
    /// <see cref="EncodeSettings.MaxTokenCount"/> below the number of ids, the leading ids as
    /// <see cref="GetIndexByTokenCount(string?, ReadOnlySpan{char}, EncodeSettings, bool, out string?, out int)"/> chooses them.
    /// Normalization and pre-tokenization settings are ignored (see the remarks on the type).
    /// </summary>
    /// <param name="text">The text, or null to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is null.</param>
    /// <param name="settings">The settings; only <see cref="EncodeSettings.MaxTokenCount"/> is used.</param>
    /// <returns>The ids, a null normalized text, and the number of characters the ids cover.</returns>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        int maxTokenCount = CheckMaxTokenCount(settings.MaxTokenCount);
        int[] ids = _encoder.EncodeToIdArray(input, addEndOfSequence: true);
        if (ids.Length <= maxTokenCount)
        {
            return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = input.Length };
        }

        PooledBuffer<TokenSpan> spans = new(ids.Length);
        try
        {
            _encoder.EncodeSpans(input, ref spans);
            int keep = TokenSpanLimits.KeepFromStart(spans.Written, maxTokenCount);
            int[] kept = new int[keep];
            for (int i = 0; i < keep; i++)
            {
                kept[i] = spans.Written[i].Id;
            }

            return new EncodeResults<int> { Tokens = kept, NormalizedText = null, CharsConsumed = TokenSpanLimits.ConsumedFromStart(spans.Written, keep, input.Length) };
        }
        finally
        {
            spans.Dispose();
        }
    }

    /// <summary>
    /// Encodes text to tokens with their spans in <paramref name="text"/> (see the remarks on the type): the ids of
    /// <see cref="EncodeToIds(string, bool)"/> with the end token, each with its piece (<see cref="IdToPiece"/>).
    /// </summary>
    /// <param name="text">The text, or null to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is null.</param>
    /// <param name="settings">The settings; only <see cref="EncodeSettings.MaxTokenCount"/> is used.</param>
    /// <returns>The tokens, a null normalized text, and the number of characters the tokens cover.</returns>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        int maxTokenCount = CheckMaxTokenCount(settings.MaxTokenCount);
        PooledBuffer<TokenSpan> spans = new(T5Encoder.EstimatePieces(input.Length));
        try
        {
            _encoder.EncodeSpans(input, ref spans);
            ReadOnlySpan<TokenSpan> all = spans.Written;
            int keep = TokenSpanLimits.KeepFromStart(all, maxTokenCount);
            EncodedToken[] tokens = new EncodedToken[keep];
            for (int i = 0; i < keep; i++)
            {
                TokenSpan token = all[i];
                tokens[i] = new EncodedToken(token.Id, _decoder.PieceOf(token.Id), new Range(token.Start, token.End));
            }

            return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = TokenSpanLimits.ConsumedFromStart(all, keep, input.Length) };
        }
        finally
        {
            spans.Dispose();
        }
    }

    /// <summary>Counts the ids with the end token, as <see cref="CountTokens(string, bool)"/> (settings are ignored).</summary>
    /// <param name="text">The text, or null to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is null.</param>
    /// <param name="settings">Ignored.</param>
    /// <returns>The number of ids.</returns>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings) =>
        _encoder.Count(text is null ? textSpan : text.AsSpan(), addEndOfSequence: true);

    /// <summary>
    /// Finds how much of the text the first (or, with <paramref name="fromEnd"/>, the last) at most
    /// <see cref="EncodeSettings.MaxTokenCount"/> tokens of its encoding (with the end token) cover, never cutting inside
    /// the normalized expansion of one character. From the start: the end of the last kept token's span, or the text's
    /// length when every token is kept. From the end: the start of the first kept token's span, or the text's length when
    /// none is kept.
    /// </summary>
    /// <param name="text">The text, or null to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is null.</param>
    /// <param name="settings">The settings; only <see cref="EncodeSettings.MaxTokenCount"/> is used.</param>
    /// <param name="fromEnd">Whether to keep the last tokens rather than the first.</param>
    /// <param name="normalizedText">Always null: the index refers to the text as given.</param>
    /// <param name="tokenCount">The number of tokens kept.</param>
    /// <returns>The index in the text.</returns>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        int maxTokenCount = CheckMaxTokenCount(settings.MaxTokenCount);
        normalizedText = null;
        PooledBuffer<TokenSpan> spans = new(T5Encoder.EstimatePieces(input.Length));
        try
        {
            _encoder.EncodeSpans(input, ref spans);
            ReadOnlySpan<TokenSpan> all = spans.Written;
            if (!fromEnd)
            {
                tokenCount = TokenSpanLimits.KeepFromStart(all, maxTokenCount);
                return TokenSpanLimits.ConsumedFromStart(all, tokenCount, input.Length);
            }

            int first = TokenSpanLimits.FirstKeptFromEnd(all, maxTokenCount);
            tokenCount = all.Length - first;
            return TokenSpanLimits.StartFromEnd(all, first, input.Length);
        }
        finally
        {
            spans.Dispose();
        }
    }

    private static int CheckMaxTokenCount(int maxTokenCount) => maxTokenCount > 0
        ? maxTokenCount
        : throw new ArgumentOutOfRangeException(nameof(maxTokenCount), maxTokenCount, "The maximum number of tokens must be positive.");

    private static ReadOnlySpan<int> AsSpan(IEnumerable<int> ids) => ids switch
    {
        int[] array => array,
        List<int> list => CollectionsMarshal.AsSpan(list),
        _ => ids.ToArray(),
    };
}

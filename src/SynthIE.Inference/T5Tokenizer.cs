using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;
using SynthIE.Inference.Internal;
using SynthIE.Inference.Tokenization;
using SentencePieceNormalizer = SynthIE.Inference.Tokenization.SentencePieceNormalizer;

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

    private const string ExtraIdPrefix = "<extra_id_";

    private readonly string[] _pieces;
    private readonly string[] _extraIdPieces;
    private readonly Dictionary<string, int> _pieceIds;
    private readonly int _extraIdCount;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly UnigramSegmenter _segmenter;

    private T5Tokenizer(SentencePieceModelData model)
    {
        _pieces = model.Pieces;
        _extraIdCount = model.ExtraIdCount;
        _extraIdPieces = new string[model.ExtraIdCount];
        for (int n = 0; n < _extraIdPieces.Length; n++)
        {
            _extraIdPieces[n] = string.Concat(ExtraIdPrefix, n.ToString(CultureInfo.InvariantCulture), ">");
        }
        _pieceIds = new Dictionary<string, int>(model.Pieces.Length, StringComparer.Ordinal);
        for (int id = 0; id < model.Pieces.Length; id++)
        {
            _ = _pieceIds.TryAdd(model.Pieces[id], id);
        }

        PrecompiledCharsMap? map = model.PrecompiledCharsMap.Length > 0
            ? PrecompiledCharsMap.Parse(model.PrecompiledCharsMap, model.SourceName)
            : null;
        _normalizer = new SentencePieceNormalizer(map, model.AddDummyPrefix, model.RemoveExtraWhitespaces, model.EscapeWhitespaces);

        List<(byte[] Key, int Id)> entries = new(model.Pieces.Length);
        float minScore = float.MaxValue;
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (int id = 0; id < model.Pieces.Length; id++)
        {
            if (model.Types[id] != SentencePieceType.Normal)
            {
                continue;
            }

            minScore = Math.Min(minScore, model.Scores[id]);
            if (!seen.Add(model.Pieces[id]))
            {
                throw new InvalidDataException($"{model.SourceName}: not a usable T5 SentencePiece model: piece {id} ('{model.Pieces[id]}') appears twice.");
            }

            entries.Add((Encoding.UTF8.GetBytes(model.Pieces[id]), id));
        }

        _segmenter = new UnigramSegmenter(PieceTrie.Build(entries), model.Scores, minScore, UnknownId);
        SourceName = model.SourceName;
    }

    /// <summary>Gets the number of ids: the SentencePiece pieces plus the <c>&lt;extra_id_N&gt;</c> tokens (32,100 for T5).</summary>
    public int VocabularySize => _pieces.Length + _extraIdCount;

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
        return EncodeToIdArray(text, addEndOfSequence);
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
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> destination, bool addEndOfSequence, out bool truncated)
    {
        PooledBuffer<int> ids = new(EstimatePieces(text.Length));
        try
        {
            EncodePieces(text, ref ids);
            ReadOnlySpan<int> pieces = ids.Written;
            int limit = destination.Length;
            if (!addEndOfSequence)
            {
                int count = Math.Min(pieces.Length, limit);
                pieces[..count].CopyTo(destination);
                truncated = count < pieces.Length;
                return count;
            }

            int keep = pieces.Length + 1 > limit ? Math.Max(limit - 1, 0) : pieces.Length;
            truncated = keep < pieces.Length;
            pieces[..keep].CopyTo(destination);
            if ((keep > 0 && pieces[keep - 1] == EndOfSequenceId) || keep >= limit)
            {
                return keep;
            }

            destination[keep] = EndOfSequenceId;
            return keep + 1;
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>Counts the ids <see cref="EncodeToIds(string, bool)"/> would return, without allocating them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addEndOfSequence">Whether the end token is counted (when the pieces do not already end with it).</param>
    /// <returns>The number of ids.</returns>
    public int CountTokens(string text, bool addEndOfSequence = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Count(text, addEndOfSequence);
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
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true, bool cleanUpTokenizationSpaces = true)
    {
        StringBuilder text = new();
        bool atStretchStart = true;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if (id < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id at position {i} is negative.");
            }

            if (IsSpecial(id))
            {
                if (!skipSpecialTokens)
                {
                    text.Append(IdToPiece(id)).Append(' ');
                    atStretchStart = true;
                }

                continue;
            }

            if (id >= _pieces.Length)
            {
                // Past the vocabulary: Hugging Face names it <extra_id_{size-1-id}>, which is no piece, so SentencePiece
                // copies it as it is.
                text.Append(ExtraIdPrefix).Append((VocabularySize - 1 - id).ToString(CultureInfo.InvariantCulture)).Append('>');
                atStretchStart = false;
                continue;
            }

            ReadOnlySpan<char> piece = _pieces[id];
            if (atStretchStart && piece.Length > 0 && piece[0] == '\u2581')
            {
                piece = piece[1..];
            }

            foreach (char c in piece)
            {
                text.Append(c == '\u2581' ? ' ' : c);
            }

            if (piece.Length > 0)
            {
                atStretchStart = false;
            }
        }

        string result = PythonWhitespace.Trim(text.ToString());
        return cleanUpTokenizationSpaces ? CleanUpTokenizationSpaces(result) : result;
    }

    /// <summary>
    /// Decodes ids with nothing skipped or cleaned: each id's piece (<see cref="IdToPiece"/>, so special tokens appear as
    /// <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;extra_id_N&gt;</c>) concatenated, with every
    /// <c>▁</c> (U+2581) replaced by a space; the leading space is kept and nothing is trimmed.
    /// </summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabularySize"/>.</exception>
    public string DecodeRaw(ReadOnlySpan<int> ids)
    {
        StringBuilder text = new();
        for (int i = 0; i < ids.Length; i++)
        {
            string piece = IdToPiece(ids[i])
                ?? throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"Token id at position {i} is not in the vocabulary (0 to {VocabularySize - 1}).");
            foreach (char c in piece)
            {
                text.Append(c == '\u2581' ? ' ' : c);
            }
        }

        return text.ToString();
    }

    /// <summary>Returns the piece of an id (<c>&lt;extra_id_N&gt;</c> for the sentinels), or null when the id is out of range.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The piece, or null.</returns>
    public string? IdToPiece(int id)
    {
        if ((uint)id < (uint)_pieces.Length)
        {
            return _pieces[id];
        }

        return id >= _pieces.Length && id < VocabularySize ? _extraIdPieces[VocabularySize - 1 - id] : null;
    }

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

        return TryMatchExtraId(piece, out int length, out int extraId) && length == piece.Length ? extraId : -1;
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
        ReadOnlySpan<int> all = AsSpan(ids);
        string text = Decode(all);
        if (text.Length <= destination.Length)
        {
            text.AsSpan().CopyTo(destination);
            (idsConsumed, charsWritten) = (all.Length, text.Length);
            return OperationStatus.Done;
        }

        // The decoding grows with the number of ids: find the most leading ids whose decoding still fits.
        (int low, int high) = (0, all.Length - 1);
        string best = string.Empty;
        idsConsumed = 0;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            string candidate = Decode(all[..middle]);
            if (candidate.Length <= destination.Length)
            {
                (best, idsConsumed, low) = (candidate, middle, middle + 1);
            }
            else
            {
                high = middle - 1;
            }
        }

        best.AsSpan().CopyTo(destination);
        charsWritten = best.Length;
        return OperationStatus.DestinationTooSmall;
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
        int[] ids = EncodeToIdArray(input, addEndOfSequence: true);
        if (ids.Length <= maxTokenCount)
        {
            return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = input.Length };
        }

        PooledBuffer<TokenSpan> spans = new(ids.Length);
        try
        {
            EncodeSpans(input, ref spans);
            int keep = KeepFromStart(spans.Written, maxTokenCount);
            int[] kept = new int[keep];
            for (int i = 0; i < keep; i++)
            {
                kept[i] = spans.Written[i].Id;
            }

            return new EncodeResults<int> { Tokens = kept, NormalizedText = null, CharsConsumed = ConsumedFromStart(spans.Written, keep, input.Length) };
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
        PooledBuffer<TokenSpan> spans = new(EstimatePieces(input.Length));
        try
        {
            EncodeSpans(input, ref spans);
            ReadOnlySpan<TokenSpan> all = spans.Written;
            int keep = KeepFromStart(all, maxTokenCount);
            EncodedToken[] tokens = new EncodedToken[keep];
            for (int i = 0; i < keep; i++)
            {
                TokenSpan token = all[i];
                tokens[i] = new EncodedToken(token.Id, PieceOf(token.Id), new Range(token.Start, token.End));
            }

            return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = ConsumedFromStart(all, keep, input.Length) };
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
        Count(text is null ? textSpan : text.AsSpan(), addEndOfSequence: true);

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
        PooledBuffer<TokenSpan> spans = new(EstimatePieces(input.Length));
        try
        {
            EncodeSpans(input, ref spans);
            ReadOnlySpan<TokenSpan> all = spans.Written;
            if (!fromEnd)
            {
                tokenCount = KeepFromStart(all, maxTokenCount);
                return ConsumedFromStart(all, tokenCount, input.Length);
            }

            int first = Math.Max(all.Length - maxTokenCount, 0);
            while (first < all.Length && first > 0 && !all[first].StartsCleanly)
            {
                first++;
            }

            tokenCount = all.Length - first;
            return first == 0 ? 0 : first == all.Length ? input.Length : all[first].Start;
        }
        finally
        {
            spans.Dispose();
        }
    }

    private static int EstimatePieces(int textLength) => Math.Min((textLength / 3) + 16, 1 << 20);

    private static bool EndsWithEnd(ReadOnlySpan<int> ids) => ids.Length > 0 && ids[^1] == EndOfSequenceId;

    private static string CleanUpTokenizationSpaces(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    private static void TranscodeToUtf8(ReadOnlySpan<char> text, ref PooledBuffer<byte> utf8)
    {
        utf8.Count = 0;
        utf8.EnsureCapacity(text.Length * 3);
        Span<byte> destination = utf8.Array;
        int written = 0;
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(text, destination[written..], out int read, out int wrote, replaceInvalidSequences: false);
            written += wrote;
            text = text[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }

            // A lone surrogate: write a byte that is never valid UTF-8, which the normalizer turns into U+FFFD.
            destination[written++] = 0xFF;
            text = text[1..];
        }

        utf8.Count = written;
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

    /// <summary>The most leading tokens, at most <paramref name="maxTokenCount"/>, that end between two characters.</summary>
    private static int KeepFromStart(ReadOnlySpan<TokenSpan> tokens, int maxTokenCount)
    {
        int keep = Math.Min(maxTokenCount, tokens.Length);
        while (keep > 0 && keep < tokens.Length && !tokens[keep].StartsCleanly)
        {
            keep--;
        }

        return keep;
    }

    private static int ConsumedFromStart(ReadOnlySpan<TokenSpan> tokens, int keep, int textLength) =>
        keep == tokens.Length ? textLength : keep == 0 ? 0 : tokens[keep - 1].End;

    /// <summary>Transcodes to UTF-8 as <see cref="TranscodeToUtf8(ReadOnlySpan{char}, ref PooledBuffer{byte})"/> does, and records for each byte the index of its character.</summary>
    private static void TranscodeToUtf8(ReadOnlySpan<char> text, ref PooledBuffer<byte> utf8, ref PooledBuffer<int> characterOfByte)
    {
        utf8.Count = 0;
        utf8.EnsureCapacity(text.Length * 3);
        characterOfByte.Count = 0;
        characterOfByte.EnsureCapacity((text.Length * 3) + 1);
        Span<byte> bytes = utf8.Array;
        Span<int> characters = characterOfByte.Array;
        int written = 0;
        int index = 0;
        while (index < text.Length)
        {
            char c = text[index];
            int length;
            if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                length = new Rune(c, text[index + 1]).EncodeToUtf8(bytes[written..]);
                characters.Slice(written, length).Fill(index);
                index += 2;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate: a byte that is never valid UTF-8, as in TranscodeToUtf8.
                bytes[written] = 0xFF;
                characters[written] = index;
                length = 1;
                index++;
            }
            else
            {
                length = new Rune(c).EncodeToUtf8(bytes[written..]);
                characters.Slice(written, length).Fill(index);
                index++;
            }

            written += length;
        }

        characters[written] = text.Length;
        utf8.Count = written;
        characterOfByte.Count = written + 1;
    }

    private string PieceOf(int id) => id < _pieces.Length ? _pieces[id] : _extraIdPieces[VocabularySize - 1 - id];

    private int[] EncodeToIdArray(ReadOnlySpan<char> text, bool addEndOfSequence)
    {
        PooledBuffer<int> ids = new(EstimatePieces(text.Length));
        try
        {
            EncodePieces(text, ref ids);
            bool addEnd = addEndOfSequence && !EndsWithEnd(ids.Written);
            int[] result = new int[ids.Count + (addEnd ? 1 : 0)];
            ids.Written.CopyTo(result);
            if (addEnd)
            {
                result[^1] = EndOfSequenceId;
            }

            return result;
        }
        finally
        {
            ids.Dispose();
        }
    }

    private int Count(ReadOnlySpan<char> text, bool addEndOfSequence)
    {
        PooledBuffer<int> ids = new(EstimatePieces(text.Length));
        try
        {
            EncodePieces(text, ref ids);
            return ids.Count + (addEndOfSequence && !EndsWithEnd(ids.Written) ? 1 : 0);
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>
    /// Finds the next special token written in the text at or after <paramref name="search"/>; on success
    /// <paramref name="search"/> moves past it.
    /// </summary>
    private bool FindSpecial(ReadOnlySpan<char> text, ref int search, out int at, out int id)
    {
        while (search < text.Length)
        {
            int found = text[search..].IndexOf('<');
            if (found < 0)
            {
                break;
            }

            at = search + found;
            if (TryMatchSpecial(text[at..], out int length, out id))
            {
                search = at + length;
                return true;
            }

            search = at + 1;
        }

        (at, id) = (-1, -1);
        return false;
    }

    /// <summary>Encodes as <see cref="EncodePieces"/> does (plus the end token), keeping each token's span of the text.</summary>
    private void EncodeSpans(ReadOnlySpan<char> text, ref PooledBuffer<TokenSpan> spans)
    {
        SpanScratch scratch = new(text.Length);
        try
        {
            int segmentStart = 0;
            bool afterSpecial = false;
            int search = 0;
            while (FindSpecial(text, ref search, out int at, out int specialId))
            {
                EncodeSegmentSpans(text, segmentStart, at, afterSpecial, beforeSpecial: true, ref scratch, ref spans);
                spans.Add(new TokenSpan(specialId, at, search, StartsCleanly: true));
                afterSpecial = true;
                segmentStart = search;
            }

            EncodeSegmentSpans(text, segmentStart, text.Length, afterSpecial, beforeSpecial: false, ref scratch, ref spans);
            if (spans.Count == 0 || spans.Written[^1].Id != EndOfSequenceId)
            {
                spans.Add(new TokenSpan(EndOfSequenceId, text.Length, text.Length, StartsCleanly: true));
            }
        }
        finally
        {
            scratch.Dispose();
        }
    }

    private void EncodeSegmentSpans(ReadOnlySpan<char> text, int start, int end, bool afterSpecial, bool beforeSpecial, ref SpanScratch scratch, ref PooledBuffer<TokenSpan> spans)
    {
        // Text next to a special token loses its whitespace on that side, as in EncodePieces.
        while (beforeSpecial && end > start && PythonWhitespace.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        while (afterSpecial && start < end && PythonWhitespace.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (start == end)
        {
            return;
        }

        TranscodeToUtf8(text[start..end], ref scratch.Utf8, ref scratch.CharacterOfByte);
        scratch.Normalized.Count = 0;
        _normalizer.Normalize(scratch.Utf8.Written, ref scratch.Normalized, ref scratch.Offsets);
        scratch.Ids.Count = 0;
        scratch.Ends.Count = 0;
        _segmenter.Segment(scratch.Normalized.Written, ref scratch.Ids, ref scratch.Ends);
        int normalizedLength = scratch.Normalized.Count;
        ReadOnlySpan<int> characterOfByte = scratch.CharacterOfByte.Written;
        int previous = 0;
        for (int i = 0; i < scratch.Ids.Count; i++)
        {
            int pieceEnd = scratch.Ends.Written[i];
            int from = start + characterOfByte[scratch.Offsets.InputPosition(previous, normalizedLength)];
            int to = start + characterOfByte[scratch.Offsets.InputPosition(pieceEnd, normalizedLength)];
            spans.Add(new TokenSpan(scratch.Ids.Written[i], from, to, scratch.Offsets.IsUnitBoundary(previous, normalizedLength)));
            previous = pieceEnd;
        }
    }

    private bool IsSpecial(int id) => id is PadId or EndOfSequenceId or UnknownId || (id >= _pieces.Length && id < VocabularySize);

    /// <summary>Splits out special tokens (Hugging Face's no-split tokens) and encodes the text between them.</summary>
    private void EncodePieces(ReadOnlySpan<char> text, ref PooledBuffer<int> ids)
    {
        PooledBuffer<byte> utf8 = new(0);
        PooledBuffer<byte> normalized = new(0);
        try
        {
            int segmentStart = 0;
            bool afterSpecial = false;
            int search = 0;
            while (FindSpecial(text, ref search, out int at, out int specialId))
            {
                ReadOnlySpan<char> segment = PythonWhitespace.TrimEnd(text[segmentStart..at]);
                if (afterSpecial)
                {
                    segment = PythonWhitespace.TrimStart(segment);
                }

                EncodeSegment(segment, ref utf8, ref normalized, ref ids);
                ids.Add(specialId);
                afterSpecial = true;
                segmentStart = search;
            }

            ReadOnlySpan<char> last = text[segmentStart..];
            if (afterSpecial)
            {
                last = PythonWhitespace.TrimStart(last);
            }

            EncodeSegment(last, ref utf8, ref normalized, ref ids);
        }
        finally
        {
            utf8.Dispose();
            normalized.Dispose();
        }
    }

    private void EncodeSegment(ReadOnlySpan<char> segment, ref PooledBuffer<byte> utf8, ref PooledBuffer<byte> normalized, ref PooledBuffer<int> ids)
    {
        if (segment.IsEmpty)
        {
            return;
        }

        TranscodeToUtf8(segment, ref utf8);
        normalized.Count = 0;
        _normalizer.Normalize(utf8.Written, ref normalized);
        _segmenter.Segment(normalized.Written, ref ids);
    }

    private bool TryMatchSpecial(ReadOnlySpan<char> text, out int length, out int id)
    {
        if (text.StartsWith("</s>", StringComparison.Ordinal))
        {
            (length, id) = (4, EndOfSequenceId);
            return true;
        }

        if (text.StartsWith("<pad>", StringComparison.Ordinal))
        {
            (length, id) = (5, PadId);
            return true;
        }

        if (text.StartsWith("<unk>", StringComparison.Ordinal))
        {
            (length, id) = (5, UnknownId);
            return true;
        }

        return TryMatchExtraId(text, out length, out id);
    }

    /// <summary>Matches <c>&lt;extra_id_N&gt;</c> exactly as listed (N in 0 … count−1, no leading zeros) at the start of the text.</summary>
    private bool TryMatchExtraId(ReadOnlySpan<char> text, out int length, out int id)
    {
        (length, id) = (0, -1);
        if (!text.StartsWith(ExtraIdPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        int position = ExtraIdPrefix.Length;
        int number = 0;
        int digits = 0;
        while (position < text.Length && char.IsAsciiDigit(text[position]) && digits < 6)
        {
            number = (number * 10) + (text[position] - '0');
            position++;
            digits++;
        }

        if (digits == 0 || (digits > 1 && text[ExtraIdPrefix.Length] == '0') || position >= text.Length || text[position] != '>'
            || number >= _extraIdCount)
        {
            return false;
        }

        length = position + 1;
        id = VocabularySize - 1 - number;
        return true;
    }
}

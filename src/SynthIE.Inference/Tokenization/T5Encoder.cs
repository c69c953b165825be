using System.Text;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// The encoding engine of <see cref="T5Tokenizer"/>: special tokens written in the text (<c>&lt;/s&gt;</c>,
/// <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;extra_id_N&gt;</c>) split out first, the text next to them stripped of
/// whitespace on that side, and each remaining stretch transcoded to UTF-8, normalized and segmented by SentencePiece
/// Unigram; either to ids alone (allocation-free into pooled buffers) or to tokens with their spans of the text.
/// Immutable and safe to use from many threads at once.
/// </summary>
internal sealed class T5Encoder
{
    /// <summary>How every <c>&lt;extra_id_N&gt;</c> token starts.</summary>
    public const string ExtraIdPrefix = "<extra_id_";

    private const int EndOfSequenceId = T5Tokenizer.EndOfSequenceId;

    private readonly int _vocabularySize;
    private readonly int _extraIdCount;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly UnigramSegmenter _segmenter;

    /// <summary>Builds the normalizer and the Unigram segmenter of a model.</summary>
    /// <param name="model">The SentencePiece model.</param>
    /// <exception cref="InvalidDataException">The model's normalization map is malformed or a piece appears twice.</exception>
    public T5Encoder(SentencePieceModelData model)
    {
        _extraIdCount = model.ExtraIdCount;
        _vocabularySize = model.Pieces.Length + model.ExtraIdCount;

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

        _segmenter = new UnigramSegmenter(PieceTrie.Build(entries), model.Scores, minScore, T5Tokenizer.UnknownId);
    }

    /// <summary>A first guess at the number of pieces of a text, for sizing buffers.</summary>
    /// <param name="textLength">The text's length in characters.</param>
    /// <returns>The guess.</returns>
    public static int EstimatePieces(int textLength) => Math.Min((textLength / 3) + 16, 1 << 20);

    /// <summary>
    /// Encodes text into <paramref name="destination"/> without allocating, truncating as Hugging Face does (see
    /// <see cref="T5Tokenizer.EncodeToIds(ReadOnlySpan{char}, Span{int}, bool, out bool)"/>).
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

    /// <summary>Encodes text to a new array of ids.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addEndOfSequence">Whether to append <c>&lt;/s&gt;</c> (not when the ids already end with it).</param>
    /// <returns>The ids.</returns>
    public int[] EncodeToIdArray(ReadOnlySpan<char> text, bool addEndOfSequence)
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

    /// <summary>Counts the ids of an encoding without keeping them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addEndOfSequence">Whether the end token is counted (when the pieces do not already end with it).</param>
    /// <returns>The number of ids.</returns>
    public int Count(ReadOnlySpan<char> text, bool addEndOfSequence)
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

    /// <summary>Encodes as <see cref="EncodePieces"/> does (plus the end token), keeping each token's span of the text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="spans">Where the tokens are appended.</param>
    public void EncodeSpans(ReadOnlySpan<char> text, ref PooledBuffer<TokenSpan> spans)
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

    /// <summary>Matches <c>&lt;extra_id_N&gt;</c> exactly as listed (N in 0 … count−1, no leading zeros) at the start of the text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="length">The length of the match.</param>
    /// <param name="id">The token's id, or -1.</param>
    /// <returns>Whether the text starts with such a token.</returns>
    public bool TryMatchExtraId(ReadOnlySpan<char> text, out int length, out int id)
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
        id = _vocabularySize - 1 - number;
        return true;
    }

    private static bool EndsWithEnd(ReadOnlySpan<int> ids) => ids.Length > 0 && ids[^1] == EndOfSequenceId;

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

        Utf16ToUtf8.Transcode(text[start..end], ref scratch.Utf8, ref scratch.CharacterOfByte);
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

        Utf16ToUtf8.Transcode(segment, ref utf8);
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
            (length, id) = (5, T5Tokenizer.PadId);
            return true;
        }

        if (text.StartsWith("<unk>", StringComparison.Ordinal))
        {
            (length, id) = (5, T5Tokenizer.UnknownId);
            return true;
        }

        return TryMatchExtraId(text, out length, out id);
    }
}

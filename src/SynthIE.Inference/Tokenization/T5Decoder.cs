using System.Buffers;
using System.Globalization;
using System.Text;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// The decoding side of <see cref="T5Tokenizer"/>: ids to pieces and to text as Hugging Face 4.23 <c>T5Tokenizer</c>
/// decodes. Immutable and safe to use from many threads at once.
/// </summary>
internal sealed class T5Decoder
{
    private readonly string[] _pieces;
    private readonly string[] _extraIdPieces;

    /// <summary>Names the pieces and the <c>&lt;extra_id_N&gt;</c> tokens that follow them.</summary>
    /// <param name="pieces">The SentencePiece pieces, by id.</param>
    /// <param name="extraIdCount">The number of <c>&lt;extra_id_N&gt;</c> tokens.</param>
    public T5Decoder(string[] pieces, int extraIdCount)
    {
        _pieces = pieces;
        _extraIdPieces = new string[extraIdCount];
        for (int n = 0; n < _extraIdPieces.Length; n++)
        {
            _extraIdPieces[n] = string.Concat(T5Encoder.ExtraIdPrefix, n.ToString(CultureInfo.InvariantCulture), ">");
        }
    }

    /// <summary>Gets the number of ids: the pieces plus the <c>&lt;extra_id_N&gt;</c> tokens.</summary>
    public int VocabularySize => _pieces.Length + _extraIdPieces.Length;

    /// <summary>Decodes ids as <see cref="T5Tokenizer.Decode(ReadOnlySpan{int}, bool, bool)"/> documents.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="skipSpecialTokens">Whether to drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Whether to apply Hugging Face's clean-up of spaces.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens, bool cleanUpTokenizationSpaces)
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
                text.Append(T5Encoder.ExtraIdPrefix).Append((VocabularySize - 1 - id).ToString(CultureInfo.InvariantCulture)).Append('>');
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

    /// <summary>Decodes ids with nothing skipped or cleaned, as <see cref="T5Tokenizer.DecodeRaw(ReadOnlySpan{int})"/> documents.</summary>
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

    /// <summary>Returns the piece of an id known to be in the vocabulary.</summary>
    /// <param name="id">The id, below <see cref="VocabularySize"/>.</param>
    /// <returns>The piece.</returns>
    public string PieceOf(int id) => id < _pieces.Length ? _pieces[id] : _extraIdPieces[VocabularySize - 1 - id];

    /// <summary>
    /// Decodes ids with the defaults of <see cref="Decode(ReadOnlySpan{int}, bool, bool)"/> into <paramref name="destination"/>;
    /// when the whole text does not fit, writes the decoding of the longest run of leading ids whose decoding fits.
    /// </summary>
    /// <param name="all">The ids.</param>
    /// <param name="destination">Where to write the text.</param>
    /// <param name="idsConsumed">The number of leading ids whose decoding was written.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public OperationStatus Decode(ReadOnlySpan<int> all, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        string text = Decode(all, skipSpecialTokens: true, cleanUpTokenizationSpaces: true);
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
            string candidate = Decode(all[..middle], skipSpecialTokens: true, cleanUpTokenizationSpaces: true);
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

    private bool IsSpecial(int id) => id is T5Tokenizer.PadId or T5Tokenizer.EndOfSequenceId or T5Tokenizer.UnknownId || (id >= _pieces.Length && id < VocabularySize);
}

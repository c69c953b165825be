using SynthIE.Inference.Internal;


namespace SynthIE.Inference.Tokenization;

/// <summary>
/// SentencePiece's Unigram segmentation of normalized UTF-8 text (its optimized Viterbi, <c>EncodeOptimized</c>):
/// for every character start, in order, each piece found in the trie from there (shortest first) proposes
/// <c>best(start) + score</c> for its end, kept only if strictly greater than the best so far (summed and compared in
/// double, stored as float, as the C++ code does); a character with no one-character piece also proposes <c>&lt;unk&gt;</c> with score
/// <c>min(normal scores) − 10</c> (summed in float). The best path is read backwards and runs of consecutive <c>&lt;unk&gt;</c> are
/// merged into one, as SentencePiece does. Immutable and safe to share between threads; scratch comes from
/// <see cref="ScratchArrays"/>.
/// </summary>
internal sealed class UnigramSegmenter
{
    private const float UnknownPenalty = 10.0f;

    private readonly PieceTrie _trie;
    private readonly float[] _scores;
    private readonly int _unknownId;
    private readonly float _unknownScore;

    public UnigramSegmenter(PieceTrie trie, float[] scores, float minNormalScore, int unknownId)
    {
        _trie = trie;
        _scores = scores;
        _unknownId = unknownId;
        _unknownScore = minNormalScore - UnknownPenalty;
    }

    /// <summary>Gets the byte length of a UTF-8 character, indexed by the high nibble of its lead byte (SentencePiece's OneCharLen).</summary>
    private static ReadOnlySpan<byte> CharLengthByHighNibble => [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4];

    /// <summary>Segments <paramref name="text"/> and appends the piece ids to <paramref name="ids"/>.</summary>
    public void Segment(ReadOnlySpan<byte> text, ref PooledBuffer<int> ids)
    {
        PooledBuffer<int> noEnds = default;
        Segment(text, ref ids, ref noEnds, withEnds: false);
    }

    /// <summary>
    /// Segments <paramref name="text"/> as <see cref="Segment(ReadOnlySpan{byte}, ref PooledBuffer{int})"/> does, and also appends, per piece, the position in
    /// <paramref name="text"/> where it ends (a merged run of unknown characters ends where its last one does).
    /// </summary>
    public void Segment(ReadOnlySpan<byte> text, ref PooledBuffer<int> ids, ref PooledBuffer<int> ends) =>
        Segment(text, ref ids, ref ends, withEnds: true);

    private void Segment(ReadOnlySpan<byte> text, ref PooledBuffer<int> ids, ref PooledBuffer<int> ends, bool withEnds)
    {
        int size = text.Length;
        if (size == 0)
        {
            return;
        }

        float[] bestScore = ScratchArrays.Rent<float>(size + 1);
        int[] bestStart = ScratchArrays.Rent<int>(size + 1);
        int[] bestId = ScratchArrays.Rent<int>(size + 1);
        try
        {
            bestStart.AsSpan(0, size + 1).Fill(-1);
            bestScore[0] = 0;
            Lattice(text, bestScore, bestStart, bestId);
            int first = ids.Count;
            Backtrack(size, bestStart, bestId, ref ids);
            if (withEnds)
            {
                AppendEnds(size, bestStart, bestId, ids.Count - first, ref ends);
            }
        }
        finally
        {
            ScratchArrays.Return(bestScore);
            ScratchArrays.Return(bestStart);
            ScratchArrays.Return(bestId);
        }
    }

    /// <summary>Appends the end position of each of the <paramref name="count"/> pieces the backtrack wrote, in text order.</summary>
    private void AppendEnds(int size, int[] bestStart, int[] bestId, int count, ref PooledBuffer<int> ends)
    {
        ends.EnsureCapacity(ends.Count + count);
        int write = ends.Count + count;
        bool previousUnknown = false;
        for (int end = size; end > 0; end = bestStart[end])
        {
            bool unknown = bestId[end] == _unknownId;
            if (!(unknown && previousUnknown))
            {
                ends.Array[--write] = end;
            }

            previousUnknown = unknown;
        }

        ends.Count += count;
    }

    private void Lattice(ReadOnlySpan<byte> text, float[] bestScore, int[] bestStart, int[] bestId)
    {
        ReadOnlySpan<PieceTrie.Node> nodes = _trie.Nodes;
        float[] scores = _scores;
        int size = text.Length;
        int startsAt = 0;
        while (startsAt < size)
        {
            float scoreHere = bestScore[startsAt];
            int charLength = Math.Min(CharLengthByHighNibble[text[startsAt] >> 4], size - startsAt);
            bool hasSingleCharPiece = false;
            int state = 0;
            for (int key = startsAt; key < size; key++)
            {
                int next = nodes[state].Base + text[key];
                if ((uint)next >= (uint)nodes.Length || nodes[next].Check != state)
                {
                    break;
                }

                state = next;
                int id = nodes[next].Value;
                if (id >= 0)
                {
                    int end = key + 1;
                    // In SentencePiece the piece score has type double here (the conditional with the user-defined
                    // bonus is double), so the sum and the comparison are in double and the result is stored as float.
                    double candidate = (double)scores[id] + scoreHere;
                    if (bestStart[end] == -1 || candidate > bestScore[end])
                    {
                        bestScore[end] = (float)candidate;
                        bestStart[end] = startsAt;
                        bestId[end] = id;
                    }

                    if (end - startsAt == charLength)
                    {
                        hasSingleCharPiece = true;
                    }
                }
            }

            if (!hasSingleCharPiece)
            {
                int end = startsAt + charLength;
                float candidate = _unknownScore + scoreHere;
                if (bestStart[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    bestStart[end] = startsAt;
                    bestId[end] = _unknownId;
                }
            }

            startsAt += charLength;
        }
    }

    private void Backtrack(int size, int[] bestStart, int[] bestId, ref PooledBuffer<int> ids)
    {
        // Count the path (merging unknown runs), then write it forwards.
        int count = 0;
        bool previousUnknown = false;
        for (int end = size; end > 0; end = bestStart[end])
        {
            bool unknown = bestId[end] == _unknownId;
            if (!(unknown && previousUnknown))
            {
                count++;
            }

            previousUnknown = unknown;
        }

        int first = ids.Count;
        ids.EnsureCapacity(first + count);
        int[] buffer = ids.Array;
        int write = first + count;
        previousUnknown = false;
        for (int end = size; end > 0; end = bestStart[end])
        {
            int id = bestId[end];
            bool unknown = id == _unknownId;
            if (!(unknown && previousUnknown))
            {
                buffer[--write] = id;
            }

            previousUnknown = unknown;
        }

        ids.Count = first + count;
    }
}

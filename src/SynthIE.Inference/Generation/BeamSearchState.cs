using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Generation;

/// <summary>
/// The state of one beam search over a batch, advanced one decoder step at a time: transformers 4.23.1 <c>beam_search</c>
/// with <c>BeamSearchScorer.process</c> / <c>finalize</c>, reproduced exactly (see <see cref="BeamSearch"/> for the rules
/// and the documented choices). All buffers are allocated by the constructor; <see cref="Reset"/> and
/// <see cref="Advance"/> allocate nothing.
/// </summary>
/// <remarks>
/// A slot is <c>item * K + beam</c> and never moves. The decoder's rows are the slots of the items still running, in item
/// order: when an item is done it leaves the decoder (transformers keeps feeding it padding; its results cannot change).
/// </remarks>
internal sealed class BeamSearchState
{
    private const float InitialJunkBeamScore = -1e9f;

    private readonly int _batchSize;
    private readonly int _beams;
    private readonly int _vocabularySize;
    private readonly int _maxLength;
    private readonly int _decoderStartTokenId;
    private readonly int _eosTokenId;
    private readonly int _returnSequences;
    private readonly LogitsProcessorList _processors;
    private readonly float[] _beamScores;
    private readonly int[] _slotNodes;
    private readonly TokenTree _tree;
    private readonly BeamHypotheses[] _hypotheses;
    private readonly bool[] _done;
    private readonly int[] _activeItems;
    private readonly long[] _inputTokens;
    private readonly int[] _decoderSourceRows;
    private readonly int[] _processorSources;
    private readonly int[] _processorTokens;
    private readonly TopCandidates _candidates;
    private readonly float[] _nextScores;
    private readonly int[] _nextTokens;
    private readonly int[] _nextBeams;
    private readonly int[] _nextNodes;
    private readonly float[] _scratch;
    private int _activeItemCount;

    /// <summary>Initializes a new instance of the <see cref="BeamSearchState"/> class.</summary>
    /// <param name="options">The decoding options (already validated against <paramref name="vocabularySize"/>).</param>
    /// <param name="batchSize">The number of batch items.</param>
    /// <param name="vocabularySize">The width of a logits row.</param>
    /// <param name="processors">The logits processors (made for <paramref name="vocabularySize"/>).</param>
    public BeamSearchState(DecodingOptions options, int batchSize, int vocabularySize, LogitsProcessorList processors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        Debug.Assert(options.IsValid(vocabularySize), "DecodingOptions are validated once, when the extractor loads.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        _batchSize = batchSize;
        _beams = options.NumBeams;
        _vocabularySize = vocabularySize;
        _maxLength = options.MaxLength;
        _decoderStartTokenId = options.DecoderStartTokenId;
        _eosTokenId = options.EosTokenId;
        _returnSequences = options.NumReturnSequences;
        _processors = processors;

        int slots = CheckedSize((long)batchSize * _beams, "batch size × beams");
        CheckedSize((long)slots * vocabularySize, "batch size × beams × vocabulary size");
        _beamScores = new float[slots];
        _slotNodes = new int[slots];
        _tree = new TokenTree(CheckedSize((long)slots * _maxLength, "batch size × beams × max length"));
        _hypotheses = new BeamHypotheses[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            _hypotheses[b] = new BeamHypotheses(_beams, options.LengthPenalty);
        }

        _done = new bool[batchSize];
        _activeItems = new int[batchSize];
        _inputTokens = new long[slots];
        _decoderSourceRows = new int[slots];
        _processorSources = new int[slots];
        _processorTokens = new int[slots];
        _candidates = new TopCandidates(2 * _beams);
        _nextScores = new float[_beams];
        _nextTokens = new int[_beams];
        _nextBeams = new int[_beams];
        _nextNodes = new int[_beams];
        _scratch = new float[vocabularySize];
        Reset();
    }

    /// <summary>Gets the current hypothesis length, decoder start token included (transformers' <c>cur_len</c>).</summary>
    public int CurrentLength { get; private set; }

    /// <summary>Gets a value indicating whether every item is done or the hypotheses reached the maximum length.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Gets the number of decoder rows the next step feeds: K per running item.</summary>
    public int ActiveRowCount => _activeItemCount * _beams;

    /// <summary>Gets the token to feed each decoder row at the next step.</summary>
    public ReadOnlySpan<long> InputTokens => _inputTokens.AsSpan(0, ActiveRowCount);

    /// <summary>Gets, after <see cref="Advance"/>, the old decoder row each new row continues (for <see cref="IDecoderStep.Reorder"/>).</summary>
    public ReadOnlySpan<int> DecoderSourceRows => _decoderSourceRows.AsSpan(0, ActiveRowCount);

    /// <summary>Starts over: every item running, beam 0 at score 0 and beams 1..K−1 at −1e9 (float32), all at the start token.</summary>
    public void Reset()
    {
        _tree.Clear();
        for (int slot = 0; slot < _beamScores.Length; slot++)
        {
            _beamScores[slot] = slot % _beams == 0 ? 0f : InitialJunkBeamScore;
            _slotNodes[slot] = _tree.Add(-1, _decoderStartTokenId);
            _inputTokens[slot] = _decoderStartTokenId;
        }

        for (int b = 0; b < _batchSize; b++)
        {
            _hypotheses[b].Reset();
            _done[b] = false;
            _activeItems[b] = b;
        }

        _activeItemCount = _batchSize;
        _processors.Reset(_beamScores.Length);
        CurrentLength = 1;
        IsFinished = false;
    }

    /// <summary>
    /// Runs one step on the decoder's logits for the running rows (<see cref="ActiveRowCount"/> × V, row-major):
    /// scores, selects the top 2K candidates per item, adds finished hypotheses, picks the next beams, updates which
    /// items are done, and prepares <see cref="InputTokens"/> and <see cref="DecoderSourceRows"/>.
    /// </summary>
    /// <param name="logits">The raw logits of the running rows.</param>
    public void Advance(ReadOnlySpan<float> logits)
    {
        if (IsFinished)
        {
            ThrowHelper.SearchFinished();
        }

        if (logits.Length != ActiveRowCount * _vocabularySize)
        {
            ThrowHelper.LogitsLength(ActiveRowCount, _vocabularySize, logits.Length, nameof(logits));
        }

        _processorSources.AsSpan().Fill(-1);
        int running = 0;
        for (int position = 0; position < _activeItemCount; position++)
        {
            int item = _activeItems[position];
            ReadOnlySpan<float> itemLogits = logits.Slice(position * _beams * _vocabularySize, _beams * _vocabularySize);
            SelectCandidates(item, itemLogits);
            bool itemDone = Process(item);
            if (itemDone)
            {
                _done[item] = true;
                continue;
            }

            _activeItems[running] = item;
            for (int k = 0; k < _beams; k++)
            {
                int row = running * _beams + k;
                _decoderSourceRows[row] = position * _beams + _nextBeams[k];
                _inputTokens[row] = _nextTokens[k];
            }

            running++;
        }

        _processors.Advance(_processorSources, _processorTokens);
        _activeItemCount = running;
        CurrentLength++;
        IsFinished = running == 0 || CurrentLength >= _maxLength;
    }

    /// <summary>
    /// <c>finalize</c>: adds the K running beams of every item that is not done as hypotheses (at the maximum length), then
    /// returns each item's best <see cref="DecodingOptions.NumReturnSequences"/> hypotheses.
    /// </summary>
    /// <returns>Per item, its best sequences, best first.</returns>
    public IReadOnlyList<GeneratedSequence>[] Finish()
    {
        if (!IsFinished)
        {
            throw new InvalidOperationException("The beam search is still running.");
        }

        var results = new IReadOnlyList<GeneratedSequence>[_batchSize];
        for (int b = 0; b < _batchSize; b++)
        {
            if (!_done[b])
            {
                for (int k = 0; k < _beams; k++)
                {
                    int slot = b * _beams + k;
                    _hypotheses[b].Add(_beamScores[slot], _slotNodes[slot], CurrentLength, eos: false);
                }
            }

            results[b] = _hypotheses[b].TakeBest(_tree, _eosTokenId, _returnSequences);
        }

        return results;
    }

    private static int CheckedSize(long size, string what)
    {
        if (size > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"The beam search needs {size} elements for {what}, more than an array can hold; use a smaller batch."));
        }

        return (int)size;
    }

    // BeamSearchScorer.process for one item over its 2K sorted candidates.
    private bool Process(int item)
    {
        ReadOnlySpan<float> scores = _candidates.Scores;
        ReadOnlySpan<int> flatIndices = _candidates.FlatIndices;
        int firstSlot = item * _beams;
        int filled = 0;
        for (int rank = 0; rank < scores.Length; rank++)
        {
            int beam = flatIndices[rank] / _vocabularySize;
            int token = flatIndices[rank] - (beam * _vocabularySize);
            int sourceSlot = firstSlot + beam;
            if (token == _eosTokenId)
            {
                // An end token outside the top K candidates does not make a hypothesis.
                if (rank >= _beams)
                {
                    continue;
                }

                _hypotheses[item].Add(scores[rank], _slotNodes[sourceSlot], CurrentLength, eos: true);
            }
            else
            {
                _nextScores[filled] = scores[rank];
                _nextTokens[filled] = token;
                _nextBeams[filled] = beam;
                filled++;
                if (filled == _beams)
                {
                    break;
                }
            }
        }

        if (filled < _beams)
        {
            // transformers raises here too; with one end token among 2K distinct candidates it cannot happen.
            ThrowHelper.TooFewCandidates(item, filled, _beams, CurrentLength);
        }

        bool itemDone = _hypotheses[item].IsDone(scores[0], CurrentLength);

        for (int k = 0; k < _beams; k++)
        {
            _nextNodes[k] = _tree.Add(_slotNodes[firstSlot + _nextBeams[k]], _nextTokens[k]);
        }

        for (int k = 0; k < _beams; k++)
        {
            int slot = firstSlot + k;
            _beamScores[slot] = _nextScores[k];
            _slotNodes[slot] = _nextNodes[k];
            _processorSources[slot] = firstSlot + _nextBeams[k];
            _processorTokens[slot] = float.IsNegativeInfinity(_nextScores[k]) ? -1 : _nextTokens[k];
        }

        return itemDone;
    }

    // The top 2K of `logp + mask + beam_score` over the item's K rows, as torch.topk over the [K*V] row would give them.
    private void SelectCandidates(int item, ReadOnlySpan<float> itemLogits)
    {
        _candidates.Clear();
        int firstSlot = item * _beams;
        for (int k = 0; k < _beams; k++)
        {
            int slot = firstSlot + k;
            float beamScore = _beamScores[slot];

            // A −∞ beam scores −∞ for every token; those candidates are ranked in AddNegativeInfinityCandidates.
            if (float.IsNegativeInfinity(beamScore))
            {
                continue;
            }

            bool restricted = _processors.TryGetAllowedTokens(slot, out ReadOnlySpan<int> allowed);
            if (restricted && allowed.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<float> row = itemLogits.Slice(k * _vocabularySize, _vocabularySize);
            if (!LogSoftmax.TryNormalize(row, _scratch, out float max, out float logSum))
            {
                ThrowHelper.NonFiniteLogits(item, k, CurrentLength);
            }

            int flatBase = k * _vocabularySize;
            if (restricted)
            {
                foreach (int token in allowed)
                {
                    if ((uint)token >= (uint)_vocabularySize)
                    {
                        ThrowHelper.TokenOutsideVocabulary("The constraint", token, _vocabularySize);
                    }

                    float score = LogSoftmax.LogProbability(row[token], max, logSum) + beamScore;
                    _candidates.TryInsert(score, flatBase + token);
                }
            }
            else
            {
                ScanRow(row, max, logSum, beamScore, flatBase);
            }
        }

        if (!_candidates.IsFull || float.IsNegativeInfinity(_candidates.WorstScore))
        {
            AddNegativeInfinityCandidates(item);
        }
    }

    // Every token of an unrestricted row is a candidate. Rows are scanned in flat-index order, so a candidate that only
    // ties the worst held one never enters: it has the higher flat index. The vector test is exact: the lanes compute
    // the same float32 operations, in the same order, as LogSoftmax.LogProbability + beamScore.
    private void ScanRow(ReadOnlySpan<float> row, float max, float logSum, float beamScore, int flatBase)
    {
        int token = 0;
        for (; token < row.Length && !_candidates.IsFull; token++)
        {
            _candidates.TryInsert(LogSoftmax.LogProbability(row[token], max, logSum) + beamScore, flatBase + token);
        }

        float worst = _candidates.WorstScore;
        if (Vector.IsHardwareAccelerated)
        {
            var maxVector = new Vector<float>(max);
            var logSumVector = new Vector<float>(logSum);
            var beamVector = new Vector<float>(beamScore);
            int width = Vector<float>.Count;
            for (; token <= row.Length - width; token += width)
            {
                Vector<float> scores = ((new Vector<float>(row.Slice(token, width)) - maxVector) - logSumVector) + beamVector;
                if (!Vector.GreaterThanAny(scores, new Vector<float>(worst)))
                {
                    continue;
                }

                for (int lane = 0; lane < width; lane++)
                {
                    float score = scores[lane];
                    if (score > worst)
                    {
                        _candidates.TryInsert(score, flatBase + token + lane);
                        worst = _candidates.WorstScore;
                    }
                }
            }
        }

        for (; token < row.Length; token++)
        {
            float score = LogSoftmax.LogProbability(row[token], max, logSum) + beamScore;
            if (score > worst)
            {
                _candidates.TryInsert(score, flatBase + token);
                worst = _candidates.WorstScore;
            }
        }
    }

    // Candidates scoring −∞ (disallowed tokens, rows allowing nothing, −∞ beams) tie with each other; the lowest flat
    // indices come first. Only needed when fewer than 2K finite candidates exist (or −∞ ones were already taken).
    private void AddNegativeInfinityCandidates(int item)
    {
        int firstSlot = item * _beams;
        for (int k = 0; k < _beams; k++)
        {
            int slot = firstSlot + k;
            ReadOnlySpan<int> allowed = default;
            bool dead = float.IsNegativeInfinity(_beamScores[slot]);
            if (!dead && !_processors.TryGetAllowedTokens(slot, out allowed))
            {
                continue; // unrestricted and live: every token was scored already
            }

            int flatBase = k * _vocabularySize;
            for (int token = 0; token < _vocabularySize; token++)
            {
                if (!dead && allowed.Contains(token))
                {
                    continue; // scored already
                }

                if (!_candidates.TryInsert(float.NegativeInfinity, flatBase + token))
                {
                    return; // every later flat index ranks lower still
                }
            }
        }
    }
}

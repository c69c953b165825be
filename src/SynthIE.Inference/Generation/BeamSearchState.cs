using System.Globalization;
using System.Numerics;

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

    private readonly int batchSize;
    private readonly int beams;
    private readonly int vocabularySize;
    private readonly int maxLength;
    private readonly int decoderStartTokenId;
    private readonly int eosTokenId;
    private readonly int returnSequences;
    private readonly LogitsProcessorList processors;
    private readonly float[] beamScores;
    private readonly int[] slotNodes;
    private readonly TokenTree tree;
    private readonly BeamHypotheses[] hypotheses;
    private readonly bool[] done;
    private readonly int[] activeItems;
    private readonly long[] inputTokens;
    private readonly int[] decoderSourceRows;
    private readonly int[] processorSources;
    private readonly int[] processorTokens;
    private readonly TopCandidates candidates;
    private readonly float[] nextScores;
    private readonly int[] nextTokens;
    private readonly int[] nextBeams;
    private readonly int[] nextNodes;
    private readonly float[] scratch;
    private int activeItemCount;

    /// <summary>Initializes a new instance of the <see cref="BeamSearchState"/> class.</summary>
    /// <param name="options">The decoding options (validated here against <paramref name="vocabularySize"/>).</param>
    /// <param name="batchSize">The number of batch items.</param>
    /// <param name="vocabularySize">The width of a logits row.</param>
    /// <param name="processors">The logits processors (made for <paramref name="vocabularySize"/>).</param>
    public BeamSearchState(DecodingOptions options, int batchSize, int vocabularySize, LogitsProcessorList processors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processors);
        options.Validate(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        this.batchSize = batchSize;
        beams = options.NumBeams;
        this.vocabularySize = vocabularySize;
        maxLength = options.MaxLength;
        decoderStartTokenId = options.DecoderStartTokenId;
        eosTokenId = options.EosTokenId;
        returnSequences = options.NumReturnSequences;
        this.processors = processors;

        int slots = CheckedSize((long)batchSize * beams, "batch size × beams");
        CheckedSize((long)slots * vocabularySize, "batch size × beams × vocabulary size");
        beamScores = new float[slots];
        slotNodes = new int[slots];
        tree = new TokenTree(CheckedSize((long)slots * maxLength, "batch size × beams × max length"));
        hypotheses = new BeamHypotheses[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            hypotheses[b] = new BeamHypotheses(beams, options.LengthPenalty);
        }

        done = new bool[batchSize];
        activeItems = new int[batchSize];
        inputTokens = new long[slots];
        decoderSourceRows = new int[slots];
        processorSources = new int[slots];
        processorTokens = new int[slots];
        candidates = new TopCandidates(2 * beams);
        nextScores = new float[beams];
        nextTokens = new int[beams];
        nextBeams = new int[beams];
        nextNodes = new int[beams];
        scratch = new float[vocabularySize];
        Reset();
    }

    /// <summary>Gets the current hypothesis length, decoder start token included (transformers' <c>cur_len</c>).</summary>
    public int CurrentLength { get; private set; }

    /// <summary>Gets a value indicating whether every item is done or the hypotheses reached the maximum length.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Gets the number of decoder rows the next step feeds: K per running item.</summary>
    public int ActiveRowCount => activeItemCount * beams;

    /// <summary>Gets the token to feed each decoder row at the next step.</summary>
    public ReadOnlySpan<long> InputTokens => inputTokens.AsSpan(0, ActiveRowCount);

    /// <summary>Gets, after <see cref="Advance"/>, the old decoder row each new row continues (for <see cref="IDecoderStep.Reorder"/>).</summary>
    public ReadOnlySpan<int> DecoderSourceRows => decoderSourceRows.AsSpan(0, ActiveRowCount);

    /// <summary>Starts over: every item running, beam 0 at score 0 and beams 1..K−1 at −1e9 (float32), all at the start token.</summary>
    public void Reset()
    {
        tree.Clear();
        for (int slot = 0; slot < beamScores.Length; slot++)
        {
            beamScores[slot] = slot % beams == 0 ? 0f : InitialJunkBeamScore;
            slotNodes[slot] = tree.Add(-1, decoderStartTokenId);
            inputTokens[slot] = decoderStartTokenId;
        }

        for (int b = 0; b < batchSize; b++)
        {
            hypotheses[b].Reset();
            done[b] = false;
            activeItems[b] = b;
        }

        activeItemCount = batchSize;
        processors.Reset(beamScores.Length);
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
            throw new InvalidOperationException("The beam search is finished; call Reset to start another.");
        }

        if (logits.Length != ActiveRowCount * vocabularySize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected {ActiveRowCount} × {vocabularySize} logits, got {logits.Length}."),
                nameof(logits));
        }

        processorSources.AsSpan().Fill(-1);
        int running = 0;
        for (int position = 0; position < activeItemCount; position++)
        {
            int item = activeItems[position];
            ReadOnlySpan<float> itemLogits = logits.Slice(position * beams * vocabularySize, beams * vocabularySize);
            SelectCandidates(item, itemLogits);
            bool itemDone = Process(item);
            if (itemDone)
            {
                done[item] = true;
                continue;
            }

            activeItems[running] = item;
            for (int k = 0; k < beams; k++)
            {
                int row = running * beams + k;
                decoderSourceRows[row] = position * beams + nextBeams[k];
                inputTokens[row] = nextTokens[k];
            }

            running++;
        }

        processors.Advance(processorSources, processorTokens);
        activeItemCount = running;
        CurrentLength++;
        IsFinished = running == 0 || CurrentLength >= maxLength;
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

        var results = new IReadOnlyList<GeneratedSequence>[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            if (!done[b])
            {
                for (int k = 0; k < beams; k++)
                {
                    int slot = b * beams + k;
                    hypotheses[b].Add(beamScores[slot], slotNodes[slot], CurrentLength, eos: false);
                }
            }

            results[b] = hypotheses[b].TakeBest(tree, eosTokenId, returnSequences);
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
        ReadOnlySpan<float> scores = candidates.Scores;
        ReadOnlySpan<int> flatIndices = candidates.FlatIndices;
        int firstSlot = item * beams;
        int filled = 0;
        for (int rank = 0; rank < scores.Length; rank++)
        {
            int beam = flatIndices[rank] / vocabularySize;
            int token = flatIndices[rank] - (beam * vocabularySize);
            int sourceSlot = firstSlot + beam;
            if (token == eosTokenId)
            {
                // An end token outside the top K candidates does not make a hypothesis.
                if (rank >= beams)
                {
                    continue;
                }

                hypotheses[item].Add(scores[rank], slotNodes[sourceSlot], CurrentLength, eos: true);
            }
            else
            {
                nextScores[filled] = scores[rank];
                nextTokens[filled] = token;
                nextBeams[filled] = beam;
                filled++;
                if (filled == beams)
                {
                    break;
                }
            }
        }

        if (filled < beams)
        {
            // transformers raises here too; with one end token among 2K distinct candidates it cannot happen.
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"Batch item {item} has only {filled} non-end candidates for {beams} beams at length {CurrentLength}."));
        }

        bool itemDone = hypotheses[item].IsDone(scores[0], CurrentLength);

        for (int k = 0; k < beams; k++)
        {
            nextNodes[k] = tree.Add(slotNodes[firstSlot + nextBeams[k]], nextTokens[k]);
        }

        for (int k = 0; k < beams; k++)
        {
            int slot = firstSlot + k;
            beamScores[slot] = nextScores[k];
            slotNodes[slot] = nextNodes[k];
            processorSources[slot] = firstSlot + nextBeams[k];
            processorTokens[slot] = float.IsNegativeInfinity(nextScores[k]) ? -1 : nextTokens[k];
        }

        return itemDone;
    }

    // The top 2K of `logp + mask + beam_score` over the item's K rows, as torch.topk over the [K*V] row would give them.
    private void SelectCandidates(int item, ReadOnlySpan<float> itemLogits)
    {
        candidates.Clear();
        int firstSlot = item * beams;
        for (int k = 0; k < beams; k++)
        {
            int slot = firstSlot + k;
            float beamScore = beamScores[slot];

            // A −∞ beam scores −∞ for every token; those candidates are ranked in AddNegativeInfinityCandidates.
            if (float.IsNegativeInfinity(beamScore))
            {
                continue;
            }

            bool restricted = processors.TryGetAllowedTokens(slot, out ReadOnlySpan<int> allowed);
            if (restricted && allowed.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<float> row = itemLogits.Slice(k * vocabularySize, vocabularySize);
            if (!LogSoftmax.TryNormalize(row, scratch, out float max, out float logSum))
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The decoder's logits for batch item {item}, beam {k} at length {CurrentLength} have no finite maximum (NaN or +∞)."));
            }

            int flatBase = k * vocabularySize;
            if (restricted)
            {
                foreach (int token in allowed)
                {
                    if ((uint)token >= (uint)vocabularySize)
                    {
                        throw new InvalidOperationException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"The constraint allowed token id {token}, outside the vocabulary [0, {vocabularySize})."));
                    }

                    float score = LogSoftmax.LogProbability(row[token], max, logSum) + beamScore;
                    candidates.TryInsert(score, flatBase + token);
                }
            }
            else
            {
                ScanRow(row, max, logSum, beamScore, flatBase);
            }
        }

        if (!candidates.IsFull || float.IsNegativeInfinity(candidates.WorstScore))
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
        for (; token < row.Length && !candidates.IsFull; token++)
        {
            candidates.TryInsert(LogSoftmax.LogProbability(row[token], max, logSum) + beamScore, flatBase + token);
        }

        float worst = candidates.WorstScore;
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
                        candidates.TryInsert(score, flatBase + token + lane);
                        worst = candidates.WorstScore;
                    }
                }
            }
        }

        for (; token < row.Length; token++)
        {
            float score = LogSoftmax.LogProbability(row[token], max, logSum) + beamScore;
            if (score > worst)
            {
                candidates.TryInsert(score, flatBase + token);
                worst = candidates.WorstScore;
            }
        }
    }

    // Candidates scoring −∞ (disallowed tokens, rows allowing nothing, −∞ beams) tie with each other; the lowest flat
    // indices come first. Only needed when fewer than 2K finite candidates exist (or −∞ ones were already taken).
    private void AddNegativeInfinityCandidates(int item)
    {
        int firstSlot = item * beams;
        for (int k = 0; k < beams; k++)
        {
            int slot = firstSlot + k;
            ReadOnlySpan<int> allowed = default;
            bool dead = float.IsNegativeInfinity(beamScores[slot]);
            if (!dead && !processors.TryGetAllowedTokens(slot, out allowed))
            {
                continue; // unrestricted and live: every token was scored already
            }

            int flatBase = k * vocabularySize;
            for (int token = 0; token < vocabularySize; token++)
            {
                if (!dead && allowed.Contains(token))
                {
                    continue; // scored already
                }

                if (!candidates.TryInsert(float.NegativeInfinity, flatBase + token))
                {
                    return; // every later flat index ranks lower still
                }
            }
        }
    }
}

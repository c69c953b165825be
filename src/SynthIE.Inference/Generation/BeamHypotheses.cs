namespace SynthIE.Inference.Generation;

/// <summary>
/// The finished hypotheses of one batch item: transformers 4.23.1 <c>BeamHypotheses</c> with <c>early_stopping=False</c>,
/// including its Python-float (double) arithmetic, its list order and its pruning rule.
/// </summary>
internal sealed class BeamHypotheses
{
    private readonly int numBeams;
    private readonly double lengthPenalty;
    private readonly double[] scores;
    private readonly float[] sumLogProbs;
    private readonly int[] nodes;
    private readonly int[] lengths;
    private readonly bool[] endsWithEos;
    private double worstScore;

    /// <summary>Initializes a new instance of the <see cref="BeamHypotheses"/> class.</summary>
    /// <param name="numBeams">How many hypotheses are kept (K).</param>
    /// <param name="lengthPenalty">The length penalty exponent.</param>
    public BeamHypotheses(int numBeams, double lengthPenalty)
    {
        this.numBeams = numBeams;
        this.lengthPenalty = lengthPenalty;
        scores = new double[numBeams + 1];
        sumLogProbs = new float[numBeams + 1];
        nodes = new int[numBeams + 1];
        lengths = new int[numBeams + 1];
        endsWithEos = new bool[numBeams + 1];
        Reset();
    }

    /// <summary>Gets the number of hypotheses held.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets every hypothesis.</summary>
    public void Reset()
    {
        Count = 0;
        worstScore = 1e9;
    }

    /// <summary>
    /// <c>BeamHypotheses.add</c>: scores the hypothesis as <c>sum / length ** lp</c>; keeps it if fewer than K are held or
    /// it beats the worst, then drops the lowest <c>(score, insertion index)</c> when more than K are held.
    /// </summary>
    /// <param name="sum">The hypothesis's float32 sum of log-probabilities.</param>
    /// <param name="node">Its last node in the <see cref="TokenTree"/>.</param>
    /// <param name="length">Its length in tokens, decoder start token included, end token excluded.</param>
    /// <param name="eos">Whether it ended with the end-of-sequence token (appended on output).</param>
    public void Add(float sum, int node, int length, bool eos)
    {
        double score = sum / Math.Pow(length, lengthPenalty);
        if (Count >= numBeams && !(score > worstScore))
        {
            return;
        }

        int index = Count++;
        scores[index] = score;
        sumLogProbs[index] = sum;
        nodes[index] = node;
        lengths[index] = length;
        endsWithEos[index] = eos;
        if (Count <= numBeams)
        {
            worstScore = Math.Min(score, worstScore);
            return;
        }

        // Python: sorted((s, idx)); del beams[sorted[0].idx]; worst = sorted[1].s  (ties go to the lower index).
        int lowest = 0;
        for (int i = 1; i < Count; i++)
        {
            if (scores[i] < scores[lowest])
            {
                lowest = i;
            }
        }

        int second = lowest == 0 ? 1 : 0;
        for (int i = second + 1; i < Count; i++)
        {
            if (i != lowest && scores[i] < scores[second])
            {
                second = i;
            }
        }

        worstScore = scores[second];
        RemoveAt(lowest);
    }

    /// <summary>
    /// <c>BeamHypotheses.is_done</c> with <c>early_stopping=False</c>: K hypotheses are held and the worst is at least
    /// <c>bestSum / currentLength ** lp</c>.
    /// </summary>
    /// <param name="bestSum">The best candidate score of the step (end-token candidates included).</param>
    /// <param name="currentLength">The hypotheses' length before this step's token was appended.</param>
    /// <returns>Whether the item is done.</returns>
    public bool IsDone(float bestSum, int currentLength) =>
        Count >= numBeams && worstScore >= bestSum / Math.Pow(currentLength, lengthPenalty);

    /// <summary>
    /// Writes the best <paramref name="count"/> hypotheses as <c>finalize</c> picks them: a stable ascending sort by score
    /// popped from the end, so higher score first and, among equal scores, the later-added first.
    /// </summary>
    /// <param name="tree">The token tree the nodes belong to.</param>
    /// <param name="eosTokenId">The end token appended to hypotheses that ended with it.</param>
    /// <param name="count">How many to return (at most <see cref="Count"/>).</param>
    /// <returns>The sequences, best first.</returns>
    public GeneratedSequence[] TakeBest(TokenTree tree, int eosTokenId, int count)
    {
        var result = new GeneratedSequence[count];
        Span<bool> taken = stackalloc bool[Count];
        for (int r = 0; r < count; r++)
        {
            int best = -1;
            for (int i = Count - 1; i >= 0; i--)
            {
                if (!taken[i] && (best < 0 || scores[i] > scores[best]))
                {
                    best = i;
                }
            }

            taken[best] = true;
            int[] tokens = tree.ToArray(nodes[best], lengths[best], endsWithEos[best] ? eosTokenId : -1);
            result[r] = new GeneratedSequence(
                tokens,
                sumLogProbs[best],
                scores[best],
                endsWithEos[best] ? FinishReason.EndOfSequence : FinishReason.MaxLength);
        }

        return result;
    }

    private void RemoveAt(int index)
    {
        int tail = Count - index - 1;
        Array.Copy(scores, index + 1, scores, index, tail);
        Array.Copy(sumLogProbs, index + 1, sumLogProbs, index, tail);
        Array.Copy(nodes, index + 1, nodes, index, tail);
        Array.Copy(lengths, index + 1, lengths, index, tail);
        Array.Copy(endsWithEos, index + 1, endsWithEos, index, tail);
        Count--;
    }
}

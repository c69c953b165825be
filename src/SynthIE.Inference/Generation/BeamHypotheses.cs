namespace SynthIE.Inference.Generation;

/// <summary>
/// The finished hypotheses of one batch item: transformers 4.23.1 <c>BeamHypotheses</c> with <c>early_stopping=False</c>,
/// including its Python-float (double) arithmetic, its list order and its pruning rule.
/// </summary>
internal sealed class BeamHypotheses
{
    private readonly int _numBeams;
    private readonly double _lengthPenalty;
    private readonly double[] _scores;
    private readonly float[] _sumLogProbs;
    private readonly int[] _nodes;
    private readonly int[] _lengths;
    private readonly bool[] _endsWithEos;
    private double _worstScore;

    /// <summary>Initializes a new instance of the <see cref="BeamHypotheses"/> class.</summary>
    /// <param name="numBeams">How many hypotheses are kept (K).</param>
    /// <param name="lengthPenalty">The length penalty exponent.</param>
    public BeamHypotheses(int numBeams, double lengthPenalty)
    {
        _numBeams = numBeams;
        _lengthPenalty = lengthPenalty;
        _scores = new double[numBeams + 1];
        _sumLogProbs = new float[numBeams + 1];
        _nodes = new int[numBeams + 1];
        _lengths = new int[numBeams + 1];
        _endsWithEos = new bool[numBeams + 1];
        Reset();
    }

    /// <summary>Gets the number of hypotheses held.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets every hypothesis.</summary>
    public void Reset()
    {
        Count = 0;
        _worstScore = 1e9;
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
        double score = sum / Math.Pow(length, _lengthPenalty);
        if (Count >= _numBeams && !(score > _worstScore))
        {
            return;
        }

        int index = Count++;
        _scores[index] = score;
        _sumLogProbs[index] = sum;
        _nodes[index] = node;
        _lengths[index] = length;
        _endsWithEos[index] = eos;
        if (Count <= _numBeams)
        {
            _worstScore = Math.Min(score, _worstScore);
            return;
        }

        // Python: sorted((s, idx)); del beams[sorted[0].idx]; worst = sorted[1].s  (ties go to the lower index).
        int lowest = 0;
        for (int i = 1; i < Count; i++)
        {
            if (_scores[i] < _scores[lowest])
            {
                lowest = i;
            }
        }

        int second = lowest == 0 ? 1 : 0;
        for (int i = second + 1; i < Count; i++)
        {
            if (i != lowest && _scores[i] < _scores[second])
            {
                second = i;
            }
        }

        _worstScore = _scores[second];
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
        Count >= _numBeams && _worstScore >= bestSum / Math.Pow(currentLength, _lengthPenalty);

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
                if (!taken[i] && (best < 0 || _scores[i] > _scores[best]))
                {
                    best = i;
                }
            }

            taken[best] = true;
            int[] tokens = tree.ToArray(_nodes[best], _lengths[best], _endsWithEos[best] ? eosTokenId : -1);
            result[r] = new GeneratedSequence(
                tokens,
                _sumLogProbs[best],
                _scores[best],
                _endsWithEos[best] ? FinishReason.EndOfSequence : FinishReason.MaxLength);
        }

        return result;
    }

    private void RemoveAt(int index)
    {
        int tail = Count - index - 1;
        Array.Copy(_scores, index + 1, _scores, index, tail);
        Array.Copy(_sumLogProbs, index + 1, _sumLogProbs, index, tail);
        Array.Copy(_nodes, index + 1, _nodes, index, tail);
        Array.Copy(_lengths, index + 1, _lengths, index, tail);
        Array.Copy(_endsWithEos, index + 1, _endsWithEos, index, tail);
        Count--;
    }
}

namespace SynthIE.Inference.Generation;

/// <summary>
/// The best <see cref="Capacity"/> candidates of one batch item, kept sorted as <c>torch.topk(..., sorted=True)</c>
/// returns them. Order: higher score first; among equal scores the lower flat index (<c>beam * V + token</c>) first.
/// PyTorch leaves the order of equal scores unspecified; this rule is the one transformers.js uses.
/// </summary>
internal sealed class TopCandidates
{
    private readonly float[] _scores;
    private readonly int[] _flatIndices;

    /// <summary>Initializes a new instance of the <see cref="TopCandidates"/> class.</summary>
    /// <param name="capacity">How many candidates to keep (2 × beams).</param>
    public TopCandidates(int capacity)
    {
        _scores = new float[capacity];
        _flatIndices = new int[capacity];
    }

    /// <summary>Gets how many candidates are kept at most.</summary>
    public int Capacity => _scores.Length;

    /// <summary>Gets how many candidates are held.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether <see cref="Capacity"/> candidates are held.</summary>
    public bool IsFull => Count == _scores.Length;

    /// <summary>Gets the scores, best first.</summary>
    public ReadOnlySpan<float> Scores => _scores.AsSpan(0, Count);

    /// <summary>Gets the flat indices (<c>beam * V + token</c>), in the order of <see cref="Scores"/>.</summary>
    public ReadOnlySpan<int> FlatIndices => _flatIndices.AsSpan(0, Count);

    /// <summary>Gets the score of the worst held candidate; only meaningful when <see cref="IsFull"/>.</summary>
    public float WorstScore => _scores[Count - 1];

    /// <summary>Forgets every candidate.</summary>
    public void Clear() => Count = 0;

    /// <summary>Offers a candidate.</summary>
    /// <param name="score">Its score.</param>
    /// <param name="flatIndex">Its flat index; each may be offered once.</param>
    /// <returns><see langword="false"/> when the buffer is full and the candidate ranks after every held one.</returns>
    public bool TryInsert(float score, int flatIndex)
    {
        int position = Count;
        if (position == _scores.Length)
        {
            if (!RanksBefore(score, flatIndex, _scores[position - 1], _flatIndices[position - 1]))
            {
                return false;
            }

            position--;
        }
        else
        {
            Count++;
        }

        while (position > 0 && RanksBefore(score, flatIndex, _scores[position - 1], _flatIndices[position - 1]))
        {
            _scores[position] = _scores[position - 1];
            _flatIndices[position] = _flatIndices[position - 1];
            position--;
        }

        _scores[position] = score;
        _flatIndices[position] = flatIndex;
        return true;
    }

    private static bool RanksBefore(float score, int flatIndex, float otherScore, int otherFlatIndex) =>
        score > otherScore || (score == otherScore && flatIndex < otherFlatIndex);
}

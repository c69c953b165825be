namespace SynthIE.Inference.Generation;

/// <summary>
/// One returned hypothesis: transformers' row of <c>sequences</c> without the padding, and its score.
/// </summary>
internal sealed class GeneratedSequence
{
    private readonly int[] _tokenIds;

    /// <summary>Initializes a new instance of the <see cref="GeneratedSequence"/> class.</summary>
    /// <param name="tokenIds">The tokens, starting with the decoder start token; owned by the new instance.</param>
    /// <param name="sumLogProbs">The float32 sum of the tokens' log-probabilities (the beam score).</param>
    /// <param name="score">The length-normalized score.</param>
    /// <param name="finishReason">Why the sequence ended.</param>
    public GeneratedSequence(int[] tokenIds, float sumLogProbs, double score, FinishReason finishReason)
    {
        _tokenIds = tokenIds;
        SumLogProbs = sumLogProbs;
        Score = score;
        FinishReason = finishReason;
    }

    /// <summary>
    /// Gets the token ids: the decoder start token, the generated tokens, and the end-of-sequence token when
    /// <see cref="FinishReason"/> is <see cref="FinishReason.EndOfSequence"/>.
    /// </summary>
    public IReadOnlyList<int> TokenIds => _tokenIds;

    /// <summary>Gets the sum of the generated tokens' log-probabilities (end token included), accumulated in float32.</summary>
    public float SumLogProbs { get; }

    /// <summary>
    /// Gets the score the hypotheses are ranked by, exactly as transformers computes it in Python floats:
    /// <c>SumLogProbs / L ** length_penalty</c>, where <c>L</c> counts the decoder start token and the generated tokens
    /// without the end token. transformers' <c>sequences_scores</c> holds this value rounded to float32.
    /// </summary>
    public double Score { get; }

    /// <summary>Gets why the sequence ended.</summary>
    public FinishReason FinishReason { get; }

    /// <summary>Returns the token ids as a span.</summary>
    /// <returns>The token ids.</returns>
    public ReadOnlySpan<int> AsSpan() => _tokenIds;
}

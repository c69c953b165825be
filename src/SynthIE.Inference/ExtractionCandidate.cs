namespace SynthIE.Inference;

/// <summary>One generated output for a text: its facts, its score and the text it was parsed from.</summary>
public sealed class ExtractionCandidate
{
    internal ExtractionCandidate(FactParseResult parsed, double score, IReadOnlyList<int> tokenIds, bool reachedEndToken)
    {
        Facts = parsed.Facts;
        Diagnostics = parsed.Diagnostics;
        RawOutput = parsed.Text;
        Score = score;
        TokenIds = tokenIds;
        ReachedEndToken = reachedEndToken;
    }

    /// <summary>Gets the facts in output order; repeated facts are kept and flagged with <see cref="Fact.IsDuplicate"/>.</summary>
    public IReadOnlyList<Fact> Facts { get; }

    /// <summary>
    /// Gets the beam-search score, as Hugging Face reports it: the sum of the token log-probabilities divided by
    /// (length in tokens) ^ length penalty. For greedy decoding, the same formula with the length penalty applied.
    /// </summary>
    public double Score { get; }

    /// <summary>Gets the decoded output (special tokens removed, Hugging Face's clean-up of spaces applied).</summary>
    public string RawOutput { get; }

    /// <summary>Gets the generated token ids, starting with the decoder start token and ending with the end token when it was generated.</summary>
    public IReadOnlyList<int> TokenIds { get; }

    /// <summary>Gets a value indicating whether the model ended the output itself (<see langword="false"/>: it was cut at the token limit).</summary>
    public bool ReachedEndToken { get; }

    /// <summary>Gets what the parser found malformed in <see cref="RawOutput"/> (empty when the output is well formed).</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics { get; }
}

namespace SynthIE.Inference;

/// <summary>What was extracted from one text: the best output's facts, and the other candidates with their scores.</summary>
public sealed class ExtractionResult
{
    internal ExtractionResult(string text, IReadOnlyList<ExtractionCandidate> candidates, int inputTokenCount, bool inputTruncated)
    {
        Text = text;
        Candidates = candidates;
        InputTokenCount = inputTokenCount;
        InputTruncated = inputTruncated;
    }

    /// <summary>Gets the input text.</summary>
    public string Text { get; }

    /// <summary>Gets every returned candidate, best first (as many as the number of return sequences; none for an empty text).</summary>
    public IReadOnlyList<ExtractionCandidate> Candidates { get; }

    /// <summary>Gets the best candidate, or <see langword="null"/> when the text was empty.</summary>
    public ExtractionCandidate? Best => Candidates.Count > 0 ? Candidates[0] : null;

    /// <summary>Gets the other candidates, in decreasing score.</summary>
    public IEnumerable<ExtractionCandidate> Alternatives => Candidates.Skip(1);

    /// <summary>Gets the facts of the best candidate (empty when the text was empty).</summary>
    public IReadOnlyList<Fact> Facts => Best?.Facts ?? [];

    /// <summary>Gets the score of the best candidate (0 when the text was empty).</summary>
    public double Score => Best?.Score ?? 0;

    /// <summary>Gets the decoded output of the best candidate (empty when the text was empty).</summary>
    public string RawOutput => Best?.RawOutput ?? string.Empty;

    /// <summary>Gets the parse diagnostics of the best candidate.</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics => Best?.Diagnostics ?? [];

    /// <summary>Gets the number of input tokens the model read (after truncation, including the end token).</summary>
    public int InputTokenCount { get; }

    /// <summary>Gets a value indicating whether the text was longer than the input limit and was cut (SynthIE reads 256 tokens).</summary>
    public bool InputTruncated { get; }
}

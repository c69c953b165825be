namespace SynthIE.Inference.Evaluation;

/// <summary>
/// A model's facts for one document, matched to a <see cref="GoldDocument"/> by <see cref="Id"/>. Make one with
/// <see cref="FromFacts"/> (structured names, normalized like gold before comparison) or
/// <see cref="FromLinearizedOutput"/> (the model's text, parsed, compared exactly as parsed, as SynthIE does).
/// </summary>
public sealed class DocumentPrediction
{
    private DocumentPrediction(string id, IReadOnlyList<LabelTriplet> triplets, bool parsedCleanly, bool fromLinearizedOutput, string? rawOutput, string? source)
    {
        Id = id;
        Triplets = triplets;
        ParsedCleanly = parsedCleanly;
        IsFromLinearizedOutput = fromLinearizedOutput;
        RawOutput = rawOutput;
        Source = source;
    }

    /// <summary>Gets the id of the gold document this prediction is for.</summary>
    public string Id { get; }

    /// <summary>Gets the predicted facts; duplicates are kept here and removed when scoring.</summary>
    public IReadOnlyList<LabelTriplet> Triplets { get; }

    /// <summary>
    /// Gets whether the model's output was well formed. When it was not, <see cref="Triplets"/> holds whatever could
    /// be recovered from it (SynthIE scores the recovered triplets too) and the document is counted in
    /// <see cref="EvaluationReport.UnparsableDocumentCount"/>.
    /// </summary>
    public bool ParsedCleanly { get; }

    /// <summary>
    /// Gets whether <see cref="Triplets"/> were parsed from the linearized text (compared as parsed) rather than given
    /// as structured names (normalized like gold: see <see cref="TripletEvaluator"/>).
    /// </summary>
    public bool IsFromLinearizedOutput { get; }

    /// <summary>Gets the model's linearized output, when the prediction was made from it.</summary>
    public string? RawOutput { get; }

    /// <summary>Gets where the prediction came from (<c>file:line</c> for predictions read from a file), or <see langword="null"/>.</summary>
    public string? Source { get; }

    /// <summary>Makes a prediction from structured facts (e.g. the facts our extractor returns).</summary>
    /// <param name="id">The gold document's id.</param>
    /// <param name="triplets">The predicted facts. Entity and relation names are normalized like gold before comparison.</param>
    /// <param name="parsedCleanly">Whether the model's output was well formed.</param>
    /// <param name="source">Where the prediction came from, for error messages; optional.</param>
    /// <returns>The prediction.</returns>
    public static DocumentPrediction FromFacts(string id, IReadOnlyList<LabelTriplet> triplets, bool parsedCleanly = true, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(triplets);
        return new DocumentPrediction(id, triplets, parsedCleanly, fromLinearizedOutput: false, rawOutput: null, source);
    }

    /// <summary>Makes a prediction by parsing the model's linearized output (e.g. <c>[s] A [r] rel [o] B [e]</c>).</summary>
    /// <param name="id">The gold document's id.</param>
    /// <param name="rawOutput">The decoded output text, special tokens removed.</param>
    /// <param name="parser">
    /// The linearization's parser: returns the triplets in the text, names exactly as they appear there (entity names
    /// with <c>_</c>, as SynthIE's <c>text_to_triplet_list</c> returns them), and whether the text was well formed.
    /// For malformed text it returns what it could recover.
    /// </param>
    /// <param name="source">Where the prediction came from, for error messages; optional.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException">The parser returned no list or a triplet with a missing name.</exception>
    public static DocumentPrediction FromLinearizedOutput(
        string id,
        string rawOutput,
        Func<string, (IReadOnlyList<(string S, string R, string O)> triplets, bool parsedCleanly)> parser,
        string? source = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(rawOutput);
        ArgumentNullException.ThrowIfNull(parser);
        (IReadOnlyList<(string S, string R, string O)> parsed, bool parsedCleanly) = parser(rawOutput);
        if (parsed is null)
        {
            throw new ArgumentException($"The parser returned no triplet list for document \"{id}\".", nameof(parser));
        }

        var triplets = new LabelTriplet[parsed.Count];
        for (int i = 0; i < triplets.Length; i++)
        {
            (string s, string r, string o) = parsed[i];
            if (s is null || r is null || o is null)
            {
                throw new ArgumentException($"The parser returned a triplet with a missing name for document \"{id}\".", nameof(parser));
            }

            triplets[i] = new LabelTriplet(s, r, o);
        }

        return new DocumentPrediction(id, triplets, parsedCleanly, fromLinearizedOutput: true, rawOutput, source);
    }
}

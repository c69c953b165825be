namespace SynthIE.Inference.Evaluation;

/// <summary>The scores of a set of predictions against gold documents, with the counts behind them.</summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(
        TripletCounts micro,
        MacroScores macro,
        IReadOnlyList<RelationScore> relations,
        int goldDocumentCount,
        int scoredDocumentCount,
        IReadOnlyList<string> missingPredictionIds,
        MissingPredictionPolicy missingPredictionPolicy,
        IReadOnlyList<string> unparsableDocumentIds,
        int emptyGoldDocumentCount,
        int duplicateGoldTripletCount,
        int duplicatePredictedTripletCount)
    {
        Micro = micro;
        Macro = macro;
        Relations = relations;
        GoldDocumentCount = goldDocumentCount;
        ScoredDocumentCount = scoredDocumentCount;
        MissingPredictionIds = missingPredictionIds;
        MissingPredictionPolicy = missingPredictionPolicy;
        UnparsableDocumentIds = unparsableDocumentIds;
        EmptyGoldDocumentCount = emptyGoldDocumentCount;
        DuplicateGoldTripletCount = duplicateGoldTripletCount;
        DuplicatePredictedTripletCount = duplicatePredictedTripletCount;
    }

    /// <summary>Gets the micro counts and scores: counts summed over the scored documents, then P, R and F1 from the sums.</summary>
    public TripletCounts Micro { get; }

    /// <summary>Gets the macro scores: the mean over relations of each relation's P, R and F1.</summary>
    public MacroScores Macro { get; }

    /// <summary>Gets every relation in the gold or predicted sets of the scored documents, by support (descending), then name (ordinal).</summary>
    public IReadOnlyList<RelationScore> Relations { get; }

    /// <summary>Gets the number of gold documents given.</summary>
    public int GoldDocumentCount { get; }

    /// <summary>Gets the number of documents scored (gold documents less those excluded for lack of prediction).</summary>
    public int ScoredDocumentCount { get; }

    /// <summary>Gets the number of gold documents without prediction.</summary>
    public int MissingPredictionCount => MissingPredictionIds.Count;

    /// <summary>Gets the ids of the gold documents without prediction, in gold order.</summary>
    public IReadOnlyList<string> MissingPredictionIds { get; }

    /// <summary>Gets how documents without prediction were treated (scored as empty, or excluded).</summary>
    public MissingPredictionPolicy MissingPredictionPolicy { get; }

    /// <summary>Gets the number of scored documents whose model output did not parse cleanly (their recovered triplets were scored).</summary>
    public int UnparsableDocumentCount => UnparsableDocumentIds.Count;

    /// <summary>Gets the ids of the scored documents whose model output did not parse cleanly, in gold order.</summary>
    public IReadOnlyList<string> UnparsableDocumentIds { get; }

    /// <summary>Gets the number of scored documents without any gold triplet.</summary>
    public int EmptyGoldDocumentCount { get; }

    /// <summary>Gets how many gold triplets of the scored documents were repeats within their document (removed: sets are scored).</summary>
    public int DuplicateGoldTripletCount { get; }

    /// <summary>Gets how many predicted triplets were repeats within their document (removed: sets are scored).</summary>
    public int DuplicatePredictedTripletCount { get; }
}

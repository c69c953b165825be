namespace SynthIE.Inference.Evaluation;

/// <summary>What <see cref="TripletEvaluator"/> does with a gold document that has no prediction.</summary>
public enum MissingPredictionPolicy
{
    /// <summary>Score it with an empty prediction set (its gold triplets count as missed). The default.</summary>
    CountAsEmpty,

    /// <summary>Leave it out of the scores, as SynthIE does (it scores only the documents in its prediction files); still counted in the report.</summary>
    Exclude,

    /// <summary>Fail with an <see cref="EvaluationDataException"/> listing the ids without prediction.</summary>
    Fail,
}

namespace SynthIE.Inference.Evaluation;

/// <summary>Options of <see cref="TripletEvaluator"/>.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Gets what happens to gold documents without prediction; <see cref="MissingPredictionPolicy.CountAsEmpty"/> by default.</summary>
    public MissingPredictionPolicy MissingPredictions { get; init; } = MissingPredictionPolicy.CountAsEmpty;
}

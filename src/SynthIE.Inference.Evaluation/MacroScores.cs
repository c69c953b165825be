namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Macro-averaged scores: the unweighted mean, over relations, of each relation's precision, recall and F1 (each
/// averaged separately; the macro F1 is not recomputed from the macro precision and recall).
/// </summary>
/// <param name="Precision">Mean of the relations' precisions.</param>
/// <param name="Recall">Mean of the relations' recalls.</param>
/// <param name="F1">Mean of the relations' F1 scores.</param>
/// <param name="RelationCount">How many relations were averaged (those in the gold or the predicted sets of the scored documents); when 0, all three scores are 0.</param>
public readonly record struct MacroScores(double Precision, double Recall, double F1, int RelationCount);

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Triplet-set counts summed over documents, and the precision, recall and F1 SynthIE derives from them
/// (<c>src/metrics/triplet_set_*.py</c>): precision = correct / predicted, 0 when nothing was predicted; recall =
/// correct / gold, 0 when there is no gold; F1 = 2·P·R / (P + R), 0 when correct, predicted or gold is 0.
/// </summary>
/// <param name="TruePositives">Predicted triplets that are in the document's gold set.</param>
/// <param name="Predicted">Distinct predicted triplets.</param>
/// <param name="Gold">Distinct gold triplets.</param>
public readonly record struct TripletCounts(int TruePositives, int Predicted, int Gold)
{
    /// <summary>Gets the predicted triplets not in the gold set.</summary>
    public int FalsePositives => Predicted - TruePositives;

    /// <summary>Gets the gold triplets not predicted.</summary>
    public int FalseNegatives => Gold - TruePositives;

    /// <summary>Gets the precision: correct / predicted, or 0 when nothing was predicted.</summary>
    public double Precision => Predicted == 0 ? 0.0 : (double)TruePositives / Predicted;

    /// <summary>Gets the recall: correct / gold, or 0 when there is no gold triplet.</summary>
    public double Recall => Gold == 0 ? 0.0 : (double)TruePositives / Gold;

    /// <summary>Gets the F1: 2·P·R / (P + R), or 0 when correct, predicted or gold is 0.</summary>
    public double F1
    {
        get
        {
            if (TruePositives == 0 || Predicted == 0 || Gold == 0)
            {
                return 0.0;
            }

            double precision = (double)TruePositives / Predicted;
            double recall = (double)TruePositives / Gold;
            return 2 * precision * recall / (precision + recall);
        }
    }

    /// <summary>Adds two sets of counts.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static TripletCounts operator +(TripletCounts left, TripletCounts right) =>
        new(left.TruePositives + right.TruePositives, left.Predicted + right.Predicted, left.Gold + right.Gold);

    /// <summary>Adds two sets of counts.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static TripletCounts Add(TripletCounts left, TripletCounts right) => left + right;
}

using System.Globalization;
using System.Text;

namespace SynthIE.Inference.Evaluation;

/// <summary>Formats an <see cref="EvaluationReport"/> as a plain-text summary and per-relation table (scores in percent, as SynthIE logs them).</summary>
public static class EvaluationReportText
{
    /// <summary>Formats the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="maxRelations">How many relation rows to print (by support); <see langword="null"/> for all.</param>
    /// <returns>The text, lines ending with <c>\n</c>.</returns>
    public static string Format(EvaluationReport report, int? maxRelations = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"Documents: {report.GoldDocumentCount} gold, {report.ScoredDocumentCount} scored, ")
            .Append(c, $"{report.MissingPredictionCount} without prediction")
            .Append(report.MissingPredictionCount == 0 ? string.Empty
                : report.MissingPredictionPolicy == MissingPredictionPolicy.CountAsEmpty ? " (scored as empty)" : " (excluded)")
            .Append(c, $", {report.UnparsableDocumentCount} with unparsable output, {report.EmptyGoldDocumentCount} without gold triplets\n");
        TripletCounts micro = report.Micro;
        text.Append(c, $"Triplets: {micro.Gold} gold, {micro.Predicted} predicted, {micro.TruePositives} correct ")
            .Append(c, $"(repeats removed: {report.DuplicateGoldTripletCount} gold, {report.DuplicatePredictedTripletCount} predicted)\n\n");
        text.Append(c, $"{"",-16} {"Precision",9} {"Recall",9} {"F1",9}\n");
        text.Append(c, $"{"Micro",-16} {Percent(micro.Precision),9} {Percent(micro.Recall),9} {Percent(micro.F1),9}\n");
        MacroScores macro = report.Macro;
        text.Append(c, $"{$"Macro ({macro.RelationCount} rel.)",-16} {Percent(macro.Precision),9} {Percent(macro.Recall),9} {Percent(macro.F1),9}\n\n");

        int width = Math.Max("relation".Length, report.Relations.Count == 0 ? 0 : report.Relations.Max(row => row.Relation.Length));
        text.Append(c, $"{"relation".PadRight(width)} {"support",7} {"tp",6} {"fp",6} {"fn",6} {"P",7} {"R",7} {"F1",7}\n");
        foreach (RelationScore row in report.Relations.Take(maxRelations ?? int.MaxValue))
        {
            TripletCounts counts = row.Counts;
            text.Append(c, $"{row.Relation.PadRight(width)} {row.Support,7} {counts.TruePositives,6} {counts.FalsePositives,6} {counts.FalseNegatives,6} ")
                .Append(c, $"{Percent(row.Precision),7} {Percent(row.Recall),7} {Percent(row.F1),7}\n");
        }

        if (maxRelations is { } limit && report.Relations.Count > limit)
        {
            text.Append(c, $"... {report.Relations.Count - limit} more relations\n");
        }

        return text.ToString();
    }

    private static string Percent(double score) => (score * 100).ToString("F2", CultureInfo.InvariantCulture);
}

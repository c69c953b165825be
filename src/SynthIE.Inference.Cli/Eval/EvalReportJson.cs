using System.Text.Encodings.Web;
using System.Text.Json;
using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Cli.Eval;

/// <summary>Writes an <see cref="EvaluationReport"/> as one JSON object (<c>eval --format json</c>; scores as fractions, not percent).</summary>
internal static class EvalReportJson
{
    /// <summary>Formats the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="gold">The gold data read.</param>
    /// <param name="documentsUsed">How many gold documents were evaluated (fewer with <c>--limit</c>).</param>
    /// <param name="predictionSource">The predictions file or model folder.</param>
    /// <param name="predictionKind"><c>facts</c>, <c>raw</c> or <c>model</c>.</param>
    /// <returns>The JSON text, indented.</returns>
    public static string Format(EvaluationReport report, GoldDataset gold, int documentsUsed, string predictionSource, string predictionKind)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("gold");
            w.WriteString("path", gold.FilePath);
            w.WriteString("format", gold.Format == GoldFormat.Rebel ? "rebel" : "synthie");
            w.WriteNumber("documents", gold.Documents.Count);
            w.WriteNumber("documents_used", documentsUsed);
            w.WriteEndObject();
            w.WriteStartObject("predictions");
            w.WriteString("source", predictionSource);
            w.WriteString("kind", predictionKind);
            w.WriteEndObject();
            w.WriteString("missing_predictions", report.MissingPredictionPolicy switch
            {
                MissingPredictionPolicy.Exclude => "exclude",
                MissingPredictionPolicy.Fail => "fail",
                _ => "empty",
            });
            w.WriteStartObject("documents");
            w.WriteNumber("gold", report.GoldDocumentCount);
            w.WriteNumber("scored", report.ScoredDocumentCount);
            w.WriteNumber("without_prediction", report.MissingPredictionCount);
            w.WriteNumber("unparsable", report.UnparsableDocumentCount);
            w.WriteNumber("without_gold_triplets", report.EmptyGoldDocumentCount);
            w.WriteEndObject();
            w.WriteStartObject("triplets");
            w.WriteNumber("gold", report.Micro.Gold);
            w.WriteNumber("predicted", report.Micro.Predicted);
            w.WriteNumber("correct", report.Micro.TruePositives);
            w.WriteNumber("gold_repeats_removed", report.DuplicateGoldTripletCount);
            w.WriteNumber("predicted_repeats_removed", report.DuplicatePredictedTripletCount);
            w.WriteEndObject();
            w.WriteStartObject("micro");
            WriteScores(w, report.Micro.Precision, report.Micro.Recall, report.Micro.F1);
            w.WriteEndObject();
            w.WriteStartObject("macro");
            WriteScores(w, report.Macro.Precision, report.Macro.Recall, report.Macro.F1);
            w.WriteNumber("relations", report.Macro.RelationCount);
            w.WriteEndObject();
            w.WriteStartArray("relations");
            foreach (RelationScore row in report.Relations)
            {
                w.WriteStartObject();
                w.WriteString("relation", row.Relation);
                w.WriteNumber("support", row.Support);
                w.WriteNumber("true_positives", row.Counts.TruePositives);
                w.WriteNumber("false_positives", row.Counts.FalsePositives);
                w.WriteNumber("false_negatives", row.Counts.FalseNegatives);
                WriteScores(w, row.Precision, row.Recall, row.F1);
                w.WriteNumber("documents", row.DocumentCount);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteIds(w, "unparsable_ids", report.UnparsableDocumentIds);
            WriteIds(w, "missing_ids", report.MissingPredictionIds);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteScores(Utf8JsonWriter w, double precision, double recall, double f1)
    {
        w.WriteNumber("precision", precision);
        w.WriteNumber("recall", recall);
        w.WriteNumber("f1", f1);
    }

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<string> ids)
    {
        w.WriteStartArray(name);
        foreach (string id in ids)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
    }
}

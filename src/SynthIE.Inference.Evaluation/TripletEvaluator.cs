using System.Globalization;

namespace SynthIE.Inference.Evaluation;

/// <summary>
/// Scores predicted facts against gold facts exactly as SynthIE's <c>run_process_predictions.py</c> does with its
/// <c>triplet_set_precision</c>, <c>triplet_set_recall</c> and <c>triplet_set_f1</c> metrics, micro and macro.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each document's gold and predicted triplets are sets: duplicates count once. A triplet is correct when its
/// subject, relation and object names all equal a gold triplet's (ordinal, case-sensitive).</item>
/// <item>Names are compared in SynthIE's linearized form: gold names and <see cref="DocumentPrediction.FromFacts"/>
/// names are trimmed, with spaces in entity names replaced by <c>_</c> and <c>_</c> in relation names by spaces;
/// names parsed from linearized output (<see cref="DocumentPrediction.FromLinearizedOutput"/>) are compared as parsed.</item>
/// <item>Micro: correct, predicted and gold counts are summed over documents; see <see cref="TripletCounts"/> for
/// P, R and F1 and their zero-denominator rules.</item>
/// <item>Macro: for every relation in the gold or predicted sets of any scored document, P, R and F1 over the triplets
/// with that relation; each score is averaged over relations with NumPy's summation. A relation only ever predicted
/// scores P = R = F1 = 0; one only in gold scores P = 0 (nothing predicted) and F1 = 0.</item>
/// <item>A document whose output did not parse cleanly is scored with the triplets recovered from it, and counted.</item>
/// </list>
/// </remarks>
public static class TripletEvaluator
{
    /// <summary>Scores predictions against gold documents.</summary>
    /// <param name="gold">The gold documents; ids must be unique.</param>
    /// <param name="predictions">At most one prediction per gold document, matched by id.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>The report.</returns>
    /// <exception cref="EvaluationDataException">
    /// Two gold documents or two predictions share an id, a prediction's id is not a gold id, or (with
    /// <see cref="MissingPredictionPolicy.Fail"/>) a gold document has no prediction.
    /// </exception>
    public static EvaluationReport Evaluate(IEnumerable<GoldDocument> gold, IEnumerable<DocumentPrediction> predictions, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predictions);
        options ??= new EvaluationOptions();

        List<GoldDocument> goldDocuments = [.. gold];
        var goldById = new Dictionary<string, GoldDocument>(goldDocuments.Count, StringComparer.Ordinal);
        foreach (GoldDocument document in goldDocuments)
        {
            if (!goldById.TryAdd(document.Id, document))
            {
                throw new EvaluationDataException($"Gold document id \"{document.Id}\" is repeated ({Where(goldById[document.Id].Source)} and {Where(document.Source)}).");
            }
        }

        var predictionById = new Dictionary<string, DocumentPrediction>(goldDocuments.Count, StringComparer.Ordinal);
        foreach (DocumentPrediction prediction in predictions)
        {
            if (!goldById.ContainsKey(prediction.Id))
            {
                throw new EvaluationDataException($"Prediction id \"{prediction.Id}\" ({Where(prediction.Source)}) is not the id of any gold document.");
            }

            if (!predictionById.TryAdd(prediction.Id, prediction))
            {
                throw new EvaluationDataException($"Prediction id \"{prediction.Id}\" is repeated ({Where(predictionById[prediction.Id].Source)} and {Where(prediction.Source)}).");
            }
        }

        var missing = new List<string>();
        var unparsable = new List<string>();
        var relations = new Dictionary<string, RelationTally>(StringComparer.Ordinal);
        int scored = 0, emptyGold = 0, duplicateGold = 0, duplicatePredicted = 0;
        var goldSet = new HashSet<LabelTriplet>();
        var predictedSet = new HashSet<LabelTriplet>();
        foreach (GoldDocument document in goldDocuments)
        {
            predictionById.TryGetValue(document.Id, out DocumentPrediction? prediction);
            if (prediction is null)
            {
                missing.Add(document.Id);
                if (options.MissingPredictions != MissingPredictionPolicy.CountAsEmpty)
                {
                    continue;
                }
            }

            goldSet.Clear();
            foreach (LabelTriplet triplet in document.Triplets)
            {
                goldSet.Add(SynthIENames.Triplet(triplet));
            }

            predictedSet.Clear();
            if (prediction is not null)
            {
                foreach (LabelTriplet triplet in prediction.Triplets)
                {
                    predictedSet.Add(prediction.IsFromLinearizedOutput ? triplet : SynthIENames.Triplet(triplet));
                }

                duplicatePredicted += prediction.Triplets.Count - predictedSet.Count;
                if (!prediction.ParsedCleanly)
                {
                    unparsable.Add(document.Id);
                }
            }

            scored++;
            duplicateGold += document.Triplets.Count - goldSet.Count;
            if (goldSet.Count == 0)
            {
                emptyGold++;
            }

            foreach (LabelTriplet triplet in goldSet)
            {
                RelationTally tally = Tally(relations, triplet.RelationName, scored);
                tally.Gold++;
                if (predictedSet.Contains(triplet))
                {
                    tally.TruePositives++;
                }
            }

            foreach (LabelTriplet triplet in predictedSet)
            {
                Tally(relations, triplet.RelationName, scored).Predicted++;
            }
        }

        if (options.MissingPredictions == MissingPredictionPolicy.Fail && missing.Count > 0)
        {
            throw new EvaluationDataException(string.Create(CultureInfo.InvariantCulture,
                $"{missing.Count} of {goldDocuments.Count} gold documents have no prediction: {string.Join(", ", missing.Take(10).Select(id => $"\"{id}\""))}{(missing.Count > 10 ? ", ..." : string.Empty)}."));
        }

        return BuildReport(relations, options.MissingPredictions, goldDocuments.Count, scored, missing, unparsable, emptyGold, duplicateGold, duplicatePredicted);
    }

    private static EvaluationReport BuildReport(
        Dictionary<string, RelationTally> relations,
        MissingPredictionPolicy policy,
        int goldCount,
        int scored,
        List<string> missing,
        List<string> unparsable,
        int emptyGold,
        int duplicateGold,
        int duplicatePredicted)
    {
        // Macro averages run over the relations in ordinal order (SynthIE's order follows Python's set iteration and
        // can change the last bits of the mean; the values averaged are the same).
        string[] names = [.. relations.Keys.Order(StringComparer.Ordinal)];
        var precisions = new double[names.Length];
        var recalls = new double[names.Length];
        var f1s = new double[names.Length];
        var rows = new RelationScore[names.Length];
        TripletCounts micro = default;
        for (int i = 0; i < names.Length; i++)
        {
            RelationTally tally = relations[names[i]];
            var counts = new TripletCounts(tally.TruePositives, tally.Predicted, tally.Gold);
            micro += counts;
            precisions[i] = counts.Precision;
            recalls[i] = counts.Recall;
            f1s[i] = counts.F1;
            rows[i] = new RelationScore(names[i], counts, tally.DocumentCount);
        }

        var macro = new MacroScores(NumPySum.Mean(precisions), NumPySum.Mean(recalls), NumPySum.Mean(f1s), names.Length);
        RelationScore[] ordered = [.. rows.OrderByDescending(row => row.Support).ThenBy(row => row.Relation, StringComparer.Ordinal)];
        return new EvaluationReport(micro, macro, ordered, goldCount, scored, missing, policy, unparsable, emptyGold, duplicateGold, duplicatePredicted);
    }

    private static RelationTally Tally(Dictionary<string, RelationTally> relations, string relation, int documentNumber)
    {
        if (!relations.TryGetValue(relation, out RelationTally? tally))
        {
            tally = new RelationTally();
            relations.Add(relation, tally);
        }

        if (tally.LastDocument != documentNumber)
        {
            tally.LastDocument = documentNumber;
            tally.DocumentCount++;
        }

        return tally;
    }

    private static string Where(string? source) => source ?? "given in memory";

    private sealed class RelationTally
    {
        public int TruePositives { get; set; }

        public int Predicted { get; set; }

        public int Gold { get; set; }

        public int DocumentCount { get; set; }

        public int LastDocument { get; set; }
    }
}

using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>
/// Micro and macro triplet-set scores on small hand-made files whose expected values are worked out below, following
/// SynthIE's run_process_predictions.py and src/metrics (sets per document; macro = mean over the relations in gold or
/// predictions of each relation's P, R, F1; 0 for a zero denominator).
/// </summary>
public sealed class TripletEvaluatorTests : IDisposable
{
    private readonly EvaluationFiles _files = new();

    public void Dispose() => _files.Dispose();

    // Gold (SynthIE layout; names with spaces, as in SynthIE's data):
    //   1: (Alan Turing, educated at, King's College) twice (a repeat), (Alan Turing, field of work, Computer science)
    //   2: (Paris, country, France), (Paris, capital of, France)
    //   3: no triplets
    //   4: (Rome, country, Italy)
    //   5: (Berlin, country, Germany)                          -- has no prediction
    // Predictions (CLI facts layout):
    //   1: (Alan_Turing, educated at, King's_College)          correct ('_' form matches after normalization)
    //      (Alan Turing, educated_at, King's College)          the same triplet after normalization: a repeat
    //      (Alan Turing, employer, University of Manchester)   wrong; 'employer' is only ever predicted
    //      (Alan Turing, field of work, Mathematics)           wrong
    //   2: (Paris, country, France) correct, (Paris, country, Germany) wrong
    //   3: (Nowhere, country, Atlantis)                        wrong (document without gold)
    //   4: parsed_cleanly = false, recovered (Rome, country, Italy): correct, scored, and the document counted unparsable
    private string GoldFile() => _files.WriteLines("gold.jsonl",
        JsonLines.SynthIEGold(1, ("Alan Turing", "educated at", "King's College"), ("Alan Turing", "field of work", "Computer science"), ("Alan Turing", "educated at", "King's College")),
        JsonLines.SynthIEGold(2, ("Paris", "country", "France"), ("Paris", "capital of", "France")),
        JsonLines.SynthIEGold(3),
        JsonLines.SynthIEGold(4, ("Rome", "country", "Italy")),
        JsonLines.SynthIEGold(5, ("Berlin", "country", "Germany")));

    private string PredictionFile() => _files.WriteLines("predictions.jsonl",
        JsonLines.Facts("1", null, ("Alan_Turing", "educated at", "King's_College"), ("Alan Turing", "educated_at", "King's College"),
            ("Alan Turing", "employer", "University of Manchester"), ("Alan Turing", "field of work", "Mathematics")),
        JsonLines.Facts("2", true, ("Paris", "country", "France"), ("Paris", "country", "Germany")),
        JsonLines.Facts("3", null, ("Nowhere", "country", "Atlantis")),
        JsonLines.Facts("4", false, ("Rome", "country", "Italy")));

    private EvaluationReport Evaluate(MissingPredictionPolicy policy) => TripletEvaluator.Evaluate(
        GoldReader.Read(GoldFile()).Documents,
        PredictionReader.Read(PredictionFile()).Predictions,
        new EvaluationOptions { MissingPredictions = policy });

    [Fact]
    public void Micro_and_macro_match_the_hand_computed_values()
    {
        EvaluationReport report = Evaluate(MissingPredictionPolicy.CountAsEmpty);

        // Gold sets: 2 + 2 + 0 + 1 + 1 = 6. Predicted sets: 3 + 2 + 1 + 1 + 0 (missing = empty) = 7.
        // Correct: educated at (doc 1), Paris-France (doc 2), Rome-Italy (doc 4) = 3.
        // Micro P = 3/7, R = 3/6 = 1/2, F1 = 2(3/7)(1/2) / (3/7 + 1/2) = (3/7) / (13/14) = 6/13.
        Assert.Equal(new TripletCounts(3, 7, 6), report.Micro);
        Assert.Equal(3.0 / 7, report.Micro.Precision, 12);
        Assert.Equal(0.5, report.Micro.Recall, 12);
        Assert.Equal(6.0 / 13, report.Micro.F1, 12);

        // Per relation (tp, predicted, gold) -> P, R, F1:
        //   educated at   (1, 1, 1) -> 1, 1, 1
        //   field of work (0, 1, 1) -> 0, 0, 0
        //   employer      (0, 1, 0) -> 0 (nothing correct), 0 (no gold), 0
        //   country       (2, 4, 3) -> 1/2, 2/3, 2(1/2)(2/3) / (1/2 + 2/3) = 4/7
        //   capital of    (0, 0, 1) -> 0 (nothing predicted), 0, 0
        // Macro P = (1 + 1/2) / 5 = 0.3, R = (1 + 2/3) / 5 = 1/3, F1 = (1 + 4/7) / 5 = 11/35.
        Assert.Equal(5, report.Macro.RelationCount);
        Assert.Equal(0.3, report.Macro.Precision, 12);
        Assert.Equal(1.0 / 3, report.Macro.Recall, 12);
        Assert.Equal(11.0 / 35, report.Macro.F1, 12);

        // Table: support descending, then name.
        Assert.Equal(["country", "capital of", "educated at", "field of work", "employer"], report.Relations.Select(r => r.Relation));
        RelationScore country = report.Relations[0];
        Assert.Equal(new TripletCounts(2, 4, 3), country.Counts);
        Assert.Equal((3, 2, 1), (country.Support, country.Counts.FalsePositives, country.Counts.FalseNegatives));
        Assert.Equal(4, country.DocumentCount); // documents 2, 3, 4, 5
        Assert.Equal(4.0 / 7, country.F1, 12);
        RelationScore employer = report.Relations.Single(r => r.Relation == "employer");
        Assert.Equal((0, 1, 0), (employer.Support, employer.Counts.FalsePositives, employer.Counts.FalseNegatives));
        Assert.Equal((0.0, 0.0, 0.0), (employer.Precision, employer.Recall, employer.F1));

        Assert.Equal(5, report.GoldDocumentCount);
        Assert.Equal(5, report.ScoredDocumentCount);
        Assert.Equal(["5"], report.MissingPredictionIds);
        Assert.Equal(["4"], report.UnparsableDocumentIds);
        Assert.Equal(1, report.EmptyGoldDocumentCount);
        Assert.Equal(1, report.DuplicateGoldTripletCount);
        Assert.Equal(1, report.DuplicatePredictedTripletCount);
    }

    [Fact]
    public void Excluding_documents_without_prediction_scores_only_the_predicted_ones()
    {
        EvaluationReport report = Evaluate(MissingPredictionPolicy.Exclude);

        // Document 5 leaves: gold 5, predicted 7, correct 3. Micro P = 3/7, R = 3/5,
        // F1 = 2(3/7)(3/5) / (3/7 + 3/5) = (18/35) / (36/35) = 1/2.
        // country becomes (2, 4, 2): P = 1/2, R = 1, F1 = 2/3; the other relations are unchanged.
        // Macro P = (1 + 1/2) / 5 = 0.3, R = (1 + 1) / 5 = 0.4, F1 = (1 + 2/3) / 5 = 1/3.
        Assert.Equal(new TripletCounts(3, 7, 5), report.Micro);
        Assert.Equal(0.5, report.Micro.F1, 12);
        Assert.Equal(0.3, report.Macro.Precision, 12);
        Assert.Equal(0.4, report.Macro.Recall, 12);
        Assert.Equal(1.0 / 3, report.Macro.F1, 12);
        Assert.Equal(4, report.ScoredDocumentCount);
        Assert.Equal(1, report.MissingPredictionCount);
        Assert.Equal(3, report.Relations.Single(r => r.Relation == "country").DocumentCount);
    }

    [Fact]
    public void Failing_on_missing_predictions_names_the_documents()
    {
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => Evaluate(MissingPredictionPolicy.Fail));
        Assert.Contains("1 of 5 gold documents have no prediction: \"5\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_denominators_score_zero_not_NaN()
    {
        var gold = new[]
        {
            new GoldDocument("a", "x", []),
            new GoldDocument("b", "y", [new LabelTriplet("B", "r", "C")]),
        };

        // Nothing gold, nothing predicted, no relation at all: every score is 0 (NumPy's mean of nothing would be NaN).
        EvaluationReport nothing = TripletEvaluator.Evaluate(gold.Take(1), [DocumentPrediction.FromFacts("a", [])]);
        Assert.Equal(new TripletCounts(0, 0, 0), nothing.Micro);
        Assert.Equal((0.0, 0.0, 0.0), (nothing.Micro.Precision, nothing.Micro.Recall, nothing.Micro.F1));
        Assert.Equal(new MacroScores(0, 0, 0, 0), nothing.Macro);
        Assert.Empty(nothing.Relations);

        // Predictions without gold: P = 0/1 = 0, R = 0 (no gold), F1 = 0.
        EvaluationReport noGold = TripletEvaluator.Evaluate(gold.Take(1), [DocumentPrediction.FromFacts("a", [new LabelTriplet("A", "r", "B")])]);
        Assert.Equal(new TripletCounts(0, 1, 0), noGold.Micro);
        Assert.Equal((0.0, 0.0, 0.0), (noGold.Micro.Precision, noGold.Micro.Recall, noGold.Micro.F1));

        // Gold without predictions: P = 0 (nothing predicted), R = 0/1, F1 = 0; macro over the one relation is 0 too.
        EvaluationReport noPredictions = TripletEvaluator.Evaluate(gold, []);
        Assert.Equal(new TripletCounts(0, 0, 1), noPredictions.Micro);
        Assert.Equal((0.0, 0.0, 0.0), (noPredictions.Micro.Precision, noPredictions.Micro.Recall, noPredictions.Micro.F1));
        Assert.Equal(new MacroScores(0, 0, 0, 1), noPredictions.Macro);
        Assert.Equal(2, noPredictions.MissingPredictionCount);
        Assert.False(double.IsNaN(noPredictions.Macro.F1));
    }

    [Fact]
    public void Linearized_output_is_parsed_scored_as_parsed_and_malformed_output_counts_as_unparsable()
    {
        var gold = new[]
        {
            new GoldDocument("1", "t", [new LabelTriplet("Alan Turing", "educated at", "King's College"), new LabelTriplet("Alan Turing", "field of work", "Computer science")]),
            new GoldDocument("2", "t", [new LabelTriplet("Paris", "country", "France")]),
        };
        string path = _files.WriteLines("raw.jsonl",
            // Doc 1: one correct triplet, one with a space in an entity name: compared as parsed, so it does not match
            // gold "Computer_science" (SynthIE compares the parsed strings). Well formed.
            JsonLines.RawOutput("1", "[s] Alan_Turing [r] educated at [o] King's_College [e] [s] Alan_Turing [r] field of work [o] Computer science [e]"),
            // Doc 2: cut short after one full triplet; the parser recovers it, the document counts as unparsable.
            JsonLines.RawOutput("2", "[s] Paris [r] country [o] France [e] [s] Paris [r] capital"));
        PredictionFile predictions = PredictionReader.Read(path, FullyExpandedTestParser.Parse);
        Assert.True(predictions.Predictions[0].IsFromLinearizedOutput);
        Assert.Equal("[s] Paris [r] country [o] France [e] [s] Paris [r] capital", predictions.Predictions[1].RawOutput);

        EvaluationReport report = TripletEvaluator.Evaluate(gold, predictions.Predictions);

        // Gold 3, predicted 3, correct 2: P = R = F1 = 2/3.
        Assert.Equal(new TripletCounts(2, 3, 3), report.Micro);
        Assert.Equal(2.0 / 3, report.Micro.F1, 12);
        Assert.Equal(["2"], report.UnparsableDocumentIds);
    }

    [Fact]
    public void Prediction_ids_must_be_gold_ids_and_unique()
    {
        string goldPath = GoldFile();
        string predictionsPath = _files.WriteLines("unknown.jsonl", JsonLines.Facts("1", null), JsonLines.Facts("99", null));
        EvaluationDataException unknown = Assert.Throws<EvaluationDataException>(() =>
            TripletEvaluator.Evaluate(GoldReader.Read(goldPath).Documents, PredictionReader.Read(predictionsPath).Predictions));
        Assert.Contains("Prediction id \"99\"", unknown.Message, StringComparison.Ordinal);
        Assert.Contains($"{predictionsPath}:2", unknown.Message, StringComparison.Ordinal);

        var gold = new[] { new GoldDocument("a", "t", []), new GoldDocument("a", "u", []) };
        Assert.Contains("Gold document id \"a\" is repeated", Assert.Throws<EvaluationDataException>(() => TripletEvaluator.Evaluate(gold, [])).Message, StringComparison.Ordinal);

        DocumentPrediction[] twice = [DocumentPrediction.FromFacts("a", []), DocumentPrediction.FromFacts("a", [])];
        Assert.Contains("Prediction id \"a\" is repeated", Assert.Throws<EvaluationDataException>(() => TripletEvaluator.Evaluate(gold.Take(1), twice)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gold_scored_against_itself_is_perfect_on_the_rebel_sample()
    {
        GoldDataset gold = GoldReader.Read(Infrastructure.SharedData.File("data/rebel-sample/sample.jsonl"));

        // As structured facts (names with spaces, normalized like gold) ...
        EvaluationReport asFacts = TripletEvaluator.Evaluate(gold.Documents, gold.Documents.Select(d => DocumentPrediction.FromFacts(d.Id, d.Triplets)));
        // ... and as SynthIE-linearized text parsed back (entity names with '_', compared as parsed).
        EvaluationReport asText = TripletEvaluator.Evaluate(gold.Documents, gold.Documents.Select(d => DocumentPrediction.FromLinearizedOutput(
            d.Id, FullyExpandedTestParser.Linearize(d.Triplets.Select(t => (t.SubjectName, t.RelationName, t.ObjectName))), FullyExpandedTestParser.Parse)));

        foreach (EvaluationReport report in new[] { asFacts, asText })
        {
            // 2,868 triples in the file, 2,808 distinct within their documents, 186 relations, 80 documents without triples.
            Assert.Equal(new TripletCounts(2808, 2808, 2808), report.Micro);
            Assert.Equal((1.0, 1.0, 1.0), (report.Micro.Precision, report.Micro.Recall, report.Micro.F1));
            Assert.Equal(new MacroScores(1.0, 1.0, 1.0, 186), report.Macro);
            Assert.All(report.Relations, row => Assert.Equal((1.0, 1.0, 1.0), (row.Precision, row.Recall, row.F1)));
            Assert.Equal(60, report.DuplicateGoldTripletCount);
            Assert.Equal(80, report.EmptyGoldDocumentCount);
            Assert.Equal(0, report.MissingPredictionCount);
            Assert.Equal(0, report.UnparsableDocumentCount);
        }

        Assert.Equal(60, asFacts.DuplicatePredictedTripletCount);
    }

    [Fact]
    public void Text_report_shows_the_summary_and_the_relation_table()
    {
        string text = EvaluationReportText.Format(Evaluate(MissingPredictionPolicy.CountAsEmpty), maxRelations: 2);
        Assert.Contains("Documents: 5 gold, 5 scored, 1 without prediction (scored as empty), 1 with unparsable output, 1 without gold triplets", text, StringComparison.Ordinal);
        Assert.Contains("Triplets: 6 gold, 7 predicted, 3 correct (repeats removed: 1 gold, 1 predicted)", text, StringComparison.Ordinal);
        Assert.Matches(@"Micro\s+42\.86\s+50\.00\s+46\.15", text);
        Assert.Matches(@"Macro \(5 rel\.\)\s+30\.00\s+33\.33\s+31\.43", text);
        Assert.Matches(@"country\s+3\s+2\s+2\s+1\s+50\.00\s+66\.67\s+57\.14", text);
        Assert.Contains("... 3 more relations", text, StringComparison.Ordinal);
    }
}

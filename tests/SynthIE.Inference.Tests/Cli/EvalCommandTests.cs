using System.Text.Json;
using SynthIE.Inference.Evaluation;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Cli;

/// <summary><c>synthie eval</c>: the library's numbers and table on hand-made files, predictions files and model runs agreeing.</summary>
public sealed class EvalCommandTests : IClassFixture<CliModelFixture>
{
    private readonly CliModelFixture _fixture;

    public EvalCommandTests(CliModelFixture fixture) => _fixture = fixture;

    private string GoldFile() => _fixture.Write("gold.jsonl", string.Join('\n',
        Gold(1, ("Alan Turing", "educated at", "King's College"), ("Alan Turing", "field of work", "Computer science")),
        Gold(2, ("Paris", "country", "France"), ("Paris", "capital of", "France")),
        Gold(3),
        Gold(4, ("Rome", "country", "Italy")),
        Gold(5, ("Berlin", "country", "Germany"))) + "\n");

    // In synthie extract's schema; document 4's output did not parse cleanly, document 5 has no prediction.
    private string PredictionsFile() => _fixture.Write("predictions.jsonl", string.Join('\n',
        Prediction(1, true, ("Alan_Turing", "educated at", "King's_College"), ("Alan_Turing", "employer", "University_of_Manchester")),
        Prediction(2, true, ("Paris", "country", "France"), ("Paris", "country", "Germany")),
        Prediction(3, true, ("Nowhere", "country", "Atlantis")),
        Prediction(4, false, ("Rome", "country", "Italy"))) + "\n");

    [Theory]
    [InlineData("empty", MissingPredictionPolicy.CountAsEmpty)]
    [InlineData("exclude", MissingPredictionPolicy.Exclude)]
    public void Scores_of_a_predictions_file_are_the_librarys(string missing, MissingPredictionPolicy policy)
    {
        string gold = GoldFile();
        string predictions = PredictionsFile();
        EvaluationReport expected = TripletEvaluator.Evaluate(GoldReader.Read(gold).Documents, PredictionReader.Read(predictions).Predictions, new EvaluationOptions { MissingPredictions = policy });

        CliResult json = Cli.Run("eval", "--gold", gold, "--predictions", predictions, "--missing", missing, "--format", "json");

        Assert.Equal(0, json.ExitCode);
        JsonElement report = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(expected.Micro.Precision, report.GetProperty("micro").GetProperty("precision").GetDouble());
        Assert.Equal(expected.Micro.Recall, report.GetProperty("micro").GetProperty("recall").GetDouble());
        Assert.Equal(expected.Micro.F1, report.GetProperty("micro").GetProperty("f1").GetDouble());
        Assert.Equal(expected.Macro.Precision, report.GetProperty("macro").GetProperty("precision").GetDouble());
        Assert.Equal(expected.Macro.Recall, report.GetProperty("macro").GetProperty("recall").GetDouble());
        Assert.Equal(expected.Macro.F1, report.GetProperty("macro").GetProperty("f1").GetDouble());
        Assert.Equal(expected.ScoredDocumentCount, report.GetProperty("documents").GetProperty("scored").GetInt32());
        Assert.Equal(1, report.GetProperty("documents").GetProperty("unparsable").GetInt32());
        Assert.Equal(["4"], report.GetProperty("unparsable_ids").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal(["5"], report.GetProperty("missing_ids").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal(expected.Relations.Select(r => (r.Relation, r.Support, r.Counts.TruePositives)),
            report.GetProperty("relations").EnumerateArray().Select(r => (r.GetProperty("relation").GetString()!, r.GetProperty("support").GetInt32(), r.GetProperty("true_positives").GetInt32())));

        // By hand: correct are educated at (1), Paris-country-France (2) and Rome (4), of 6 predicted; 6 gold triplets,
        // 5 when document 5 (no prediction) is excluded.
        Assert.Equal(3, report.GetProperty("triplets").GetProperty("correct").GetInt32());
        Assert.Equal(policy == MissingPredictionPolicy.Exclude ? 5 : 6, report.GetProperty("triplets").GetProperty("gold").GetInt32());

        CliResult text = Cli.Run("eval", "--gold", gold, "--predictions", predictions, "--missing", missing);
        Assert.Equal(0, text.ExitCode);
        Assert.Equal(EvaluationReportText.Format(expected), text.Out[text.Out.IndexOf("Documents: ", StringComparison.Ordinal)..text.Out.IndexOf("\nDocuments whose", StringComparison.Ordinal)]);
        Assert.Contains("Documents whose output did not parse cleanly (1): 4", text.Out, StringComparison.Ordinal);
        Assert.Contains(policy == MissingPredictionPolicy.Exclude ? "without prediction (excluded) (1): 5" : "without prediction (scored as empty) (1): 5", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_lists_every_relation_by_support_and_top_limits_it()
    {
        CliResult result = Cli.Run("eval", "-g", GoldFile(), "-p", PredictionsFile(), "--top", "2");

        Assert.Equal(0, result.ExitCode);
        string[] rows = [.. result.OutLines.SkipWhile(line => !line.StartsWith("relation ", StringComparison.Ordinal)).Skip(1).TakeWhile(line => !line.StartsWith("...", StringComparison.Ordinal))];
        Assert.Equal(["country", "capital of"], rows.Select(row => row[..row.IndexOf("  ", StringComparison.Ordinal)].Trim()));
        Assert.Matches(@"^country\s+3\s+2\s+2\s+1\s+50\.00\s+66\.67\s+57\.14$", rows[0]);
        Assert.Contains("... 3 more relations", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"Micro\s+50\.00\s+50\.00\s+50\.00", result.Out); // 3 correct of 6 predicted and 6 gold
    }

    [Fact]
    public void Running_the_model_scores_what_its_predictions_file_scores()
    {
        string gold = _fixture.Write("gold.jsonl", string.Join('\n',
            Gold(10, "Paris is the capital of France.", ("Paris", "capital of", "France")),
            Gold(11, "Berlin is in Germany.", ("Berlin", "country", "Germany")),
            Gold(12, "Albert Einstein was born in Ulm.", ("Albert Einstein", "place of birth", "Ulm"))));
        string predictions = _fixture.PathOf("predictions.jsonl");

        CliResult run = Cli.Run("eval", "-g", gold, "-m", _fixture.ModelDirectory, "--max-new-tokens", "24", "--beams", "2", "-o", predictions, "--format", "json", "-q");
        CliResult file = Cli.Run("eval", "-g", gold, "-p", predictions, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, file.ExitCode);
        JsonElement fromRun = JsonDocument.Parse(run.Out).RootElement;
        JsonElement fromFile = JsonDocument.Parse(file.Out).RootElement;
        Assert.Equal("model", fromRun.GetProperty("predictions").GetProperty("kind").GetString());
        Assert.Equal("facts", fromFile.GetProperty("predictions").GetProperty("kind").GetString());
        foreach (string part in (string[])["documents", "triplets", "micro", "macro", "relations", "unparsable_ids"])
        {
            Assert.Equal(fromRun.GetProperty(part).GetRawText(), fromFile.GetProperty(part).GetRawText());
        }

        Assert.Equal(3, fromRun.GetProperty("documents").GetProperty("scored").GetInt32());
        Assert.True(fromRun.GetProperty("triplets").GetProperty("predicted").GetInt32() > 0);
        string[] lines = File.ReadAllLines(predictions);
        Assert.Equal(["10", "11", "12"], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetRawText()));
    }

    [Fact]
    public void Rebel_gold_is_detected_and_limit_takes_the_first_documents()
    {
        CliResult result = Cli.Run("eval", "-g", SharedData.File("data/rebel-sample/sample.jsonl"), "-m", _fixture.ModelDirectory,
            "--limit", "3", "--max-new-tokens", "12", "--beams", "2", "--format", "json", "-q");

        Assert.Equal(0, result.ExitCode);
        JsonElement report = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("rebel", report.GetProperty("gold").GetProperty("format").GetString());
        Assert.Equal(1000, report.GetProperty("gold").GetProperty("documents").GetInt32());
        Assert.Equal(3, report.GetProperty("gold").GetProperty("documents_used").GetInt32());
        Assert.Equal(3, report.GetProperty("documents").GetProperty("scored").GetInt32());
        Assert.True(report.GetProperty("triplets").GetProperty("gold").GetInt32() > 0);
    }

    [Fact]
    public void Linearized_predictions_are_parsed_with_the_given_linearization()
    {
        string gold = GoldFile();
        string raw = _fixture.Write("raw.jsonl", string.Join('\n',
            "{\"id\": 1, \"prediction\": [\"[s] Alan_Turing [r] educated at [o] King's_College [e]\", \"[s] x [r] y [o] z [e]\"]}",
            "{\"id\": 2, \"raw_output\": \"[s] Paris [r] country [o] France [e] [s] Paris [r] capital of\"}"));

        CliResult missing = Cli.Run("eval", "-g", gold, "-p", raw);
        missing.AssertOneLineError(2, "pass --linearization");

        CliResult result = Cli.Run("eval", "-g", gold, "-p", raw, "--linearization", "fully_expanded", "--missing", "exclude", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        JsonElement report = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("raw", report.GetProperty("predictions").GetProperty("kind").GetString());
        Assert.Equal(2, report.GetProperty("triplets").GetProperty("correct").GetInt32());
        Assert.Equal(["2"], report.GetProperty("unparsable_ids").EnumerateArray().Select(id => id.GetString()));
    }

    [Fact]
    public void Malformed_gold_and_predictions_fail_naming_the_line()
    {
        string gold = GoldFile();
        string badGold = _fixture.Write("bad-gold.jsonl", Gold(1) + "\n{\"id\": 2, \"text\": \"t\"}\n");
        Cli.Run("eval", "-g", badGold, "-p", PredictionsFile()).AssertOneLineError(1, $"{badGold}:2:");

        string badPredictions = _fixture.Write("bad.jsonl", Prediction(1, true) + "\n{\"id\": 2, \"facts\": [{\"subject\": {\"label\": \"A\"}}]}\n");
        Cli.Run("eval", "-g", gold, "-p", badPredictions).AssertOneLineError(1, $"{badPredictions}:2: required field \"facts\"[0].relation is missing");

        string unknown = _fixture.Write("unknown.jsonl", Prediction(99, true) + "\n");
        Cli.Run("eval", "-g", gold, "-p", unknown).AssertOneLineError(1, "Prediction id \"99\"");

        Cli.Run("eval", "-g", gold, "-p", PredictionsFile(), "--missing", "fail").AssertOneLineError(1, "1 of 5 gold documents have no prediction");
    }

    private static string Gold(int id, params (string S, string R, string O)[] triplets) => Gold(id, $"Text of document {id}.", triplets);

    private static string Gold(int id, string text, params (string S, string R, string O)[] triplets) => JsonSerializer.Serialize(new
    {
        id,
        text,
        triplets = triplets.Select(t => new
        {
            subject = new { surfaceform = t.S, uri = "Q1" },
            predicate = new { surfaceform = t.R, uri = "P1" },
            @object = new { surfaceform = t.O, uri = "Q2" },
        }),
    });

    private static string Prediction(int id, bool parsedCleanly, params (string S, string R, string O)[] facts) => JsonSerializer.Serialize(new
    {
        id,
        text = "ignored",
        facts = facts.Select(t => new
        {
            subject = new { label = t.S, wikidata_ids = Array.Empty<string>() },
            relation = new { label = t.R, wikidata_ids = Array.Empty<string>() },
            @object = new { label = t.O, wikidata_ids = Array.Empty<string>() },
            duplicate = false,
        }),
        score = -1.0,
        raw_output = "ignored",
        parsed_cleanly = parsedCleanly,
        diagnostics = Array.Empty<object>(),
    });
}

using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>Reading prediction files: the CLI's structured facts, or linearized output parsed by a given parser.</summary>
public sealed class PredictionReaderTests : IDisposable
{
    private readonly EvaluationFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Facts_layout_reads_labels_and_the_parsed_cleanly_flag()
    {
        string path = _files.WriteLines("predictions.jsonl",
            JsonLines.Facts("a", null, ("Alan Turing", "employer", "University of Manchester")),
            JsonLines.Facts("b", false),
            "{\"id\": 3, \"facts\": [], \"raw_output\": \"[s] x\", \"parsed_cleanly\": true, \"diagnostics\": [], \"score\": -1.5}");
        PredictionFile file = PredictionReader.Read(path);

        Assert.Equal(["a", "b", "3"], file.Predictions.Select(p => p.Id));
        Assert.Equal([new LabelTriplet("Alan Turing", "employer", "University of Manchester")], file.Predictions[0].Triplets);
        Assert.Equal([true, false, true], file.Predictions.Select(p => p.ParsedCleanly));
        Assert.All(file.Predictions, p => Assert.False(p.IsFromLinearizedOutput));
        Assert.Equal($"{path}:2", file.Predictions[1].Source);
    }

    [Fact]
    public void Raw_output_is_parsed_and_SynthIE_output_files_use_the_first_beam()
    {
        string path = _files.WriteLines("raw.jsonl",
            JsonLines.RawOutput("a", "[s] Paris [r] country [o] France [e]"),
            "{\"id\": 7, \"prediction\": [\"[s] Rome [r] country [o] Italy [e]\", \"[s] Rome [r] capital of [o] Italy [e]\"], \"target\": \"ignored\"}",
            "{\"id\": 8, \"prediction\": \"[s] Oslo [r] country\"}");
        PredictionFile file = PredictionReader.Read(path, FullyExpandedTestParser.Parse);

        Assert.Equal([new LabelTriplet("Paris", "country", "France")], file.Predictions[0].Triplets);
        Assert.Equal([new LabelTriplet("Rome", "country", "Italy")], file.Predictions[1].Triplets);
        Assert.Empty(file.Predictions[2].Triplets);
        Assert.Equal([true, true, false], file.Predictions.Select(p => p.ParsedCleanly));
        Assert.All(file.Predictions, p => Assert.True(p.IsFromLinearizedOutput));
    }

    [Theory]
    [InlineData("{\"facts\": []}", 1, "required field \"id\" is missing")]
    [InlineData("{\"id\": \"a\"}", 1, "required field \"facts\" is missing")]
    [InlineData("{\"id\": \"a\", \"facts\": [{\"subject\": {\"label\": \"A\"}, \"relation\": {\"id\": \"P1\"}, \"object\": {\"label\": \"B\"}}]}", 1, "required field \"facts\"[0].relation.label is missing")]
    [InlineData("{\"id\": \"a\", \"facts\": [], \"parsed_cleanly\": \"no\"}", 1, "field \"parsed_cleanly\" must be a boolean")]
    [InlineData("{\"id\": \"a\", \"facts\": [], \"diagnostics\": {\"parsed_cleanly\": false}}", 1, "field \"diagnostics\" must be a JSON array")]
    [InlineData("{\"id\": \"a\", \"facts\": []}\n{\"id\": \"a\", \"facts\": []}", 2, "prediction id \"a\" is repeated (first on line 1)")]
    public void Bad_facts_lines_fail_naming_the_file_line_and_field(string content, int line, string expected)
    {
        string path = _files.Write("bad.jsonl", content);
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => PredictionReader.Read(path));
        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith($"{path}:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_output_lines_need_text()
    {
        string path = _files.WriteLines("bad.jsonl", JsonLines.RawOutput("a", "[s] A [r] r [o] B [e]"), "{\"id\": \"b\", \"facts\": []}");
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => PredictionReader.Read(path, FullyExpandedTestParser.Parse));
        Assert.StartsWith($"{path}:2: required field \"raw_output\" is missing", error.Message, StringComparison.Ordinal);
    }
}

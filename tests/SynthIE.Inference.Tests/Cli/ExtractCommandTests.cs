using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary><c>synthie extract</c> in-process on a tiny generated model with the demo world: schema, ids, order, inputs, resume, interruption.</summary>
public sealed class ExtractCommandTests : IClassFixture<CliModelFixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm and died in Princeton.",
        "Apple Inc. was founded by Steve Jobs in Cupertino.",
        "Marie Curie conducted pioneering research on radioactivity.",
        "Berlin is the capital of Germany.",
    ];

    private static readonly string[] LineFields =
        ["id", "text", "facts", "score", "raw_output", "reached_end_token", "parsed_cleanly", "input_tokens", "input_truncated", "alternatives", "diagnostics", "fingerprint"];

    private readonly CliModelFixture _fixture;

    public ExtractCommandTests(CliModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Texts_as_arguments_give_one_schema_line_each_in_order_matching_the_library()
    {
        CliResult result = Cli.Run([.. _fixture.Extract(), .. Texts[..3]]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        List<JsonElement> lines = result.JsonLines();
        Assert.Equal(3, lines.Count);
        using var extractor = SynthIEExtractor.Create(_fixture.ModelDirectory, new SynthIEExtractorOptions { MaxNewTokens = 24, NumBeams = 3 });
        IReadOnlyList<ExtractionResult> expected = extractor.ExtractBatch(Texts[..3]);
        for (int i = 0; i < lines.Count; i++)
        {
            JsonElement line = lines[i];
            Assert.Equal(LineFields, line.EnumerateObject().Select(p => p.Name));
            Assert.Equal(i, line.GetProperty("id").GetInt32());
            Assert.Equal(Texts[i], line.GetProperty("text").GetString());
            Assert.Equal(expected[i].RawOutput, line.GetProperty("raw_output").GetString());
            Assert.Equal(expected[i].Score, line.GetProperty("score").GetDouble());
            Assert.Equal(expected[i].InputTokenCount, line.GetProperty("input_tokens").GetInt32());
            Assert.Equal(expected[i].Best!.ReachedEndToken, line.GetProperty("reached_end_token").GetBoolean());

            JsonElement[] facts = [.. line.GetProperty("facts").EnumerateArray()];
            Assert.Equal(expected[i].Facts.Count, facts.Length);
            for (int f = 0; f < facts.Length; f++)
            {
                Assert.Equal(["subject", "relation", "object", "duplicate"], facts[f].EnumerateObject().Select(p => p.Name));
                Assert.Equal(expected[i].Facts[f].Subject.Label, facts[f].GetProperty("subject").GetProperty("label").GetString());
                Assert.Equal(expected[i].Facts[f].Relation.WikidataIds, facts[f].GetProperty("relation").GetProperty("wikidata_ids").EnumerateArray().Select(id => id.GetString()));
                Assert.Equal(expected[i].Facts[f].Object.WikidataIds, facts[f].GetProperty("object").GetProperty("wikidata_ids").EnumerateArray().Select(id => id.GetString()));
                Assert.NotEmpty(facts[f].GetProperty("subject").GetProperty("wikidata_ids").EnumerateArray());
            }

            JsonElement[] alternatives = [.. line.GetProperty("alternatives").EnumerateArray()];
            Assert.Equal(2, alternatives.Length); // 3 beams: min(3, beams) outputs, the best one and two alternatives
            Assert.Equal(expected[i].Candidates[1].RawOutput, alternatives[0].GetProperty("raw_output").GetString());
            Assert.Equal(["score", "raw_output", "reached_end_token", "parsed_cleanly", "facts", "diagnostics"], alternatives[0].EnumerateObject().Select(p => p.Name));
            Assert.True(line.GetProperty("score").GetDouble() >= alternatives[0].GetProperty("score").GetDouble());
        }

        Assert.NotEmpty(lines.SelectMany(line => line.GetProperty("facts").EnumerateArray()));
    }

    [Fact]
    public void Status_goes_to_stderr_and_stdout_carries_only_json()
    {
        CliResult result = Cli.Run("extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "16", "--beams", "2", "--no-progress", Texts[0], Texts[1]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.JsonLines().Count);
        Assert.Contains("Loaded ", result.Error, StringComparison.Ordinal);
        Assert.Contains("Extracted 2 texts", result.Error, StringComparison.Ordinal);
        Assert.Contains("written to standard output", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_file_gives_ids_by_line_number_and_blank_lines_are_skipped_and_reported()
    {
        string input = _fixture.Write("texts.txt", $"{Texts[0]}\n\n{Texts[1]}\n   \n{Texts[2]}\n");
        string output = _fixture.PathOf("out.jsonl");

        CliResult result = Cli.Run([.. _fixture.ExtractLoud("--input", input, "--output", output)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("Skipped 2 blank lines", result.Error, StringComparison.Ordinal);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal([0, 2, 4], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32()));
        Assert.Equal(Texts[..3], lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
        Assert.EndsWith("\n", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_keep_their_ids_as_given_and_default_to_the_line_number()
    {
        string input = _fixture.Write("docs.jsonl", string.Join('\n',
            JsonSerializer.Serialize(new { id = "doc-a", text = Texts[0] }),
            JsonSerializer.Serialize(new { id = 42, text = Texts[1], extra = "ignored" }),
            JsonSerializer.Serialize(new { text = Texts[2] }),
            JsonSerializer.Serialize(new { docid = "rebel-7", text = Texts[3] })));

        CliResult result = Cli.Run([.. _fixture.Extract("-i", input)]);

        Assert.Equal(0, result.ExitCode);
        List<JsonElement> lines = result.JsonLines();
        Assert.Equal(["\"doc-a\"", "42", "2", "\"rebel-7\""], lines.Select(line => line.GetProperty("id").GetRawText()));
        Assert.Equal(Texts[..4], lines.Select(line => line.GetProperty("text").GetString()));
    }

    [Fact]
    public void An_empty_text_gets_a_line_with_no_facts_and_null_score()
    {
        string input = _fixture.Write("docs.txt", "{\"id\": \"empty\", \"text\": \"\"}\n{\"id\": \"full\", \"text\": \"Paris is in France.\"}\n");

        CliResult result = Cli.Run(_fixture.Extract("-i", input, "--input-format", "jsonl"));

        Assert.Equal(0, result.ExitCode);
        JsonElement empty = result.JsonLines()[0];
        Assert.Equal("empty", empty.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("score").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("reached_end_token").ValueKind);
        Assert.Equal(0, empty.GetProperty("facts").GetArrayLength());
        Assert.Equal(0, empty.GetProperty("alternatives").GetArrayLength());
        Assert.Equal(0, empty.GetProperty("input_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Number, result.JsonLines()[1].GetProperty("score").ValueKind);
    }

    [Fact]
    public void Standard_input_is_read_with_a_dash()
    {
        CliResult result = Cli.Run([.. _fixture.Extract("--input", "-")], $"{Texts[0]}\n{Texts[1]}\n", CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Texts[0], Texts[1]], result.JsonLines().Select(line => line.GetProperty("text").GetString()));
    }

    [Fact]
    public void Resume_after_a_truncated_file_gives_the_same_file_as_an_uninterrupted_run()
    {
        string input = _fixture.Write("texts.txt", string.Join('\n', Texts) + "\n");
        string full = _fixture.PathOf("full.jsonl");
        Assert.Equal(0, Cli.Run(_fixture.Extract("-i", input, "-o", full, "--batch-size", "2")).ExitCode);
        byte[] expected = File.ReadAllBytes(full);
        string[] lines = File.ReadAllLines(full);
        Assert.Equal(5, lines.Length);

        // Two complete lines (one batch) and the first half of the third, as an interrupted write leaves it.
        string partial = _fixture.PathOf("partial.jsonl");
        File.WriteAllText(partial, lines[0] + "\n" + lines[1] + "\n" + lines[2][..(lines[2].Length / 2)]);
        CliResult resumed = Cli.Run(_fixture.ExtractLoud("-i", input, "-o", partial, "--batch-size", "2", "--resume"));

        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("2 texts already done", resumed.Error, StringComparison.Ordinal);
        Assert.Contains("incomplete last line", resumed.Error, StringComparison.Ordinal);
        Assert.Contains("Extracted 3 texts", resumed.Error, StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllBytes(partial));

        CliResult again = Cli.Run(_fixture.ExtractLoud("-i", input, "-o", partial, "--resume"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to do", again.Error, StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllBytes(partial));
    }

    [Fact]
    public void Resume_with_ids_that_do_not_match_the_input_fails_naming_the_line_and_changes_nothing()
    {
        string input = _fixture.Write("docs.jsonl", string.Join('\n', Texts.Select((text, i) => JsonSerializer.Serialize(new { id = $"d{i}", text }))));
        string output = _fixture.PathOf("out.jsonl");
        Assert.Equal(0, Cli.Run(_fixture.Extract("-i", input, "-o", output)).ExitCode);
        string[] lines = File.ReadAllLines(output);
        File.WriteAllText(output, lines[0] + "\n" + lines[2] + "\n" + lines[3][..10]);
        string before = File.ReadAllText(output);

        CliResult result = Cli.Run(_fixture.Extract("-i", input, "-o", output, "--resume"));

        result.AssertOneLineError(1, $"{output}:2: id \"d2\" does not match the input's id \"d1\" ({input}:2)");
        Assert.Equal(before, File.ReadAllText(output));
    }

    [Fact]
    public void Resume_refuses_a_file_with_more_lines_than_the_input_or_a_broken_complete_line()
    {
        string input = _fixture.Write("texts.txt", $"{Texts[0]}\n");
        string longer = _fixture.PathOf("out.jsonl");
        Assert.Equal(0, Cli.Run(_fixture.Extract("-o", longer, Texts[0], Texts[1])).ExitCode);
        Cli.Run(_fixture.Extract("-i", input, "-o", longer, "--resume"))
            .AssertOneLineError(1, "has 2 lines but");

        string broken = _fixture.Write("broken.jsonl", File.ReadAllLines(longer)[0] + "\n{\"id\":1\n");
        Cli.Run(_fixture.Extract("-i", input, "-o", broken, "--resume"))
            .AssertOneLineError(1, $"{broken}:2: not valid JSON");
    }

    [Fact]
    public void An_existing_output_is_kept_unless_resume_or_overwrite_is_given()
    {
        string output = _fixture.Write("out.jsonl", "keep me\n");
        Cli.Run(_fixture.Extract("-o", output, Texts[0])).AssertOneLineError(1, "already exists: pass --resume to continue it, or --overwrite");
        Assert.Equal("keep me\n", File.ReadAllText(output));

        Assert.Equal(0, Cli.Run(_fixture.Extract("-o", output, "--overwrite", Texts[0])).ExitCode);
        Assert.Equal(Texts[0], JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void Stopping_keeps_every_finished_line_and_exits_130()
    {
        using var stop = new CancellationTokenSource();
        using var stdout = new CancelOnWriteWriter(stop);

        CliResult result = Cli.Run([.. _fixture.Extract("--batch-size", "2"), .. Texts], null, stop.Token, stdout);

        Assert.Equal(130, result.ExitCode);
        List<JsonElement> lines = result.JsonLines();
        Assert.Equal(2, lines.Count); // the batch under way when the stop came is finished and written, no more
        Assert.Equal([0, 1], lines.Select(line => line.GetProperty("id").GetInt32()));
        Assert.Contains("interrupted: 2 of 5 texts written", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopping_a_file_run_says_how_to_resume()
    {
        string input = _fixture.Write("texts.txt", string.Join('\n', Texts));
        string output = _fixture.PathOf("out.jsonl");
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        CliResult result = Cli.Run([.. _fixture.Extract("-i", input, "-o", output)], null, stop.Token);

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("0 texts written", result.Error, StringComparison.Ordinal);
        Assert.Contains("--resume", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run(_fixture.Extract("-i", input, "-o", output, "--resume")).ExitCode);
        Assert.Equal(5, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void Decoding_options_reach_the_extractor()
    {
        CliResult result = Cli.Run("extract", "-m", _fixture.ModelDirectory, "--beams", "4", "--return-sequences", "4", "--max-new-tokens", "6", "--length-penalty", "0.5", "--unconstrained", "-q", Texts[0]);

        Assert.Equal(0, result.ExitCode);
        JsonElement line = result.JsonLines().Single();
        Assert.Equal(3, line.GetProperty("alternatives").GetArrayLength());
        Assert.False(line.GetProperty("reached_end_token").GetBoolean()); // 6 tokens are too few for this model to finish
        Assert.False(line.GetProperty("parsed_cleanly").GetBoolean());
        Assert.NotEmpty(line.GetProperty("diagnostics").EnumerateArray());
        Assert.All(line.GetProperty("facts").EnumerateArray(), fact => Assert.Empty(fact.GetProperty("subject").GetProperty("wikidata_ids").EnumerateArray()));
    }

    /// <summary>Standard output that asks the tool to stop when the first line arrives.</summary>
    private sealed class CancelOnWriteWriter : StringWriter
    {
        private readonly CancellationTokenSource _stop;

        public CancelOnWriteWriter(CancellationTokenSource stop) => _stop = stop;

        public override void Write(string? value)
        {
            base.Write(value);
            _stop.Cancel();
        }
    }
}

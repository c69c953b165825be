using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>
/// Misuse of the tool (issue 12): broken, odd or mismatched inputs and options end in a one-line error naming the
/// file, line, field or option and its value, never a crash, a silent loss or a silent change.
/// </summary>
public sealed class MisuseTests : IClassFixture<CliModelFixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital and most populous city of France.",
        "Albert Einstein was born in Ulm and died in Princeton.",
        "Apple Inc. was founded by Steve Jobs in Cupertino.",
        "Marie Curie conducted pioneering research on radioactivity.",
        "Berlin is the capital of Germany.",
    ];

    private readonly CliModelFixture _fixture;

    public MisuseTests(CliModelFixture fixture) => _fixture = fixture;

    private string[] Short(params string[] more) => ["extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "4", "--beams", "1", "--quiet", .. more];

    [Fact]
    public void A_truncated_gzip_input_fails_naming_the_file_and_line_and_keeps_the_finished_lines_for_resume()
    {
        string[] texts = [.. Enumerable.Range(0, 200).Select(i => $"Text {i}: {Texts[i % Texts.Length]} {new string('x', i % 50)}")];
        string whole = _fixture.PathOf("texts.txt.gz");
        using (var gzip = new GZipStream(File.Create(whole), CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', texts) + "\n"));
        }

        byte[] bytes = File.ReadAllBytes(whole);
        string truncated = _fixture.PathOf("texts.txt.gz");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string output = _fixture.PathOf("out.jsonl");

        CliResult result = Cli.Run(Short("-i", truncated, "-o", output, "--batch-size", "4"));

        // Every line whose end survived the cut is extracted and kept; the error names the line the data broke off in.
        int complete = CompleteLinesBeforeTheCut(truncated);
        Assert.InRange(complete, 1, texts.Length - 1);
        Assert.Equal(1, result.ExitCode);
        string error = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"synthie extract: error: {truncated}:{complete + 1}: ", error, StringComparison.Ordinal);
        Assert.Contains("truncated", error, StringComparison.Ordinal);
        string[] written = File.ReadAllLines(output);
        Assert.Equal(complete, written.Length);
        Assert.Equal(texts[..written.Length], written.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));

        File.Copy(whole, truncated, overwrite: true);
        Assert.Equal(0, Cli.Run(Short("-i", truncated, "-o", output, "--batch-size", "4", "--resume")).ExitCode);
        Assert.Equal(texts, File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
    }

    /// <summary>Counts the line ends in what .NET's own GZipStream decodes from a cut file (it stops silently at the cut).</summary>
    private static int CompleteLinesBeforeTheCut(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        gzip.CopyTo(decoded);
        return decoded.ToArray().Count(b => b == (byte)'\n');
    }

    [Fact]
    public void Resume_refuses_another_input_with_the_same_ids_naming_the_line()
    {
        string first = _fixture.Write("a.txt", string.Join('\n', Texts) + "\n");
        string other = _fixture.Write("b.txt", string.Join('\n', Texts.Reverse()) + "\n");
        string output = _fixture.PathOf("out.jsonl");
        Assert.Equal(0, Cli.Run(Short("-i", first, "-o", output)).ExitCode);
        string[] lines = File.ReadAllLines(output);
        File.WriteAllText(output, lines[0] + "\n" + lines[1] + "\n");

        Cli.Run(Short("-i", other, "-o", output, "--resume"))
            .AssertOneLineError(1, $"{output}:1: the text of id 0 differs from the input's ({other}:1)");
        Assert.Equal(lines[0] + "\n" + lines[1] + "\n", File.ReadAllText(output));
    }

    [Fact]
    public void Resume_refuses_other_decoding_options_or_another_model_naming_the_line()
    {
        string input = _fixture.Write("a.txt", string.Join('\n', Texts) + "\n");
        string output = _fixture.PathOf("out.jsonl");
        Assert.Equal(0, Cli.Run(Short("-i", input, "-o", output)).ExitCode);
        string[] lines = File.ReadAllLines(output);
        File.WriteAllText(output, lines[0] + "\n");

        Cli.Run(["extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "4", "--beams", "2", "--quiet", "-i", input, "-o", output, "--resume"])
            .AssertOneLineError(1, $"{output}:1: written with another model or other decoding options");
        Cli.Run(Short("-i", input, "-o", output, "--resume", "--unconstrained"))
            .AssertOneLineError(1, $"{output}:1: written with another model or other decoding options");
        Assert.Equal(lines[0] + "\n", File.ReadAllText(output));

        // The same options in another order, and another batch size (which does not change results), resume.
        Assert.Equal(0, Cli.Run(["extract", "--beams", "1", "-m", _fixture.ModelDirectory, "--max-new-tokens", "4", "-q", "--batch-size", "3", "-i", input, "-o", output, "--resume"]).ExitCode);
        Assert.Equal(lines, File.ReadAllLines(output));
    }

    [Fact]
    public void Resume_refuses_a_line_from_another_tool_even_with_a_matching_id()
    {
        string input = _fixture.Write("a.txt", string.Join('\n', Texts) + "\n");
        string output = _fixture.Write("out.jsonl", JsonSerializer.Serialize(new { id = 0, text = Texts[0], facts = Array.Empty<object>() }) + "\n");

        Cli.Run(Short("-i", input, "-o", output, "--resume"))
            .AssertOneLineError(1, $"{output}:1: the line has no \"fingerprint\"");
    }

    [Fact]
    public void Options_above_their_limits_are_refused_naming_the_option_and_value()
    {
        int threads = (ModelOptions.ThreadsPerProcessor * Environment.ProcessorCount) + 1;
        Cli.Run(Short("--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "text"))
            .AssertOneLineError(2, $"--threads ({threads}) is above the limit of");
        Cli.Run(Short("--threads", "10000", "text")).AssertOneLineError(2, "--threads (10000) is above the limit of");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "--beams", "100000", "text").AssertOneLineError(2, "--beams (100000) is above the limit of 256");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "2000000000", "text").AssertOneLineError(2, "--max-new-tokens (2000000000) is above the limit of 8,192");
        Cli.Run(Short("--max-input-tokens", "100000", "text")).AssertOneLineError(2, "--max-input-tokens (100000) is above the limit of 8,192");
        Cli.Run(Short("--batch-size", "1000000", "text")).AssertOneLineError(2, "--batch-size (1000000) is above the limit of 1,024");
    }

    [Fact]
    public void A_line_longer_than_the_limit_fails_naming_the_file_and_line_without_reading_it_whole()
    {
        string input = _fixture.PathOf("huge.txt.gz");
        using (var gzip = new GZipStream(File.Create(input), CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes("A short first line.\n"));
            byte[] block = Encoding.ASCII.GetBytes(new string('a', 1 << 20));
            for (int i = 0; i < 40; i++)
            {
                gzip.Write(block); // one 40 MB line
            }
        }

        Cli.Run(Short("-i", input)).AssertOneLineError(1, $"{input}:2: the line is longer than 8,388,608 bytes");
    }

    [Fact]
    public void Lone_surrogate_escapes_in_input_and_gold_files_are_errors_naming_the_file_line_and_field()
    {
        string text = _fixture.Write("in.jsonl", "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": \"bad \\ud800 text\"}\n");
        Cli.Run(Short("-i", text)).AssertOneLineError(1, $"{text}:2: field \"text\" is not valid Unicode text");

        string id = _fixture.Write("in.jsonl", "{\"id\": \"\\udc00\", \"text\": \"fine\"}\n");
        Cli.Run(Short("-i", id)).AssertOneLineError(1, $"{id}:1: field \"id\" is not valid Unicode text");

        string gold = _fixture.Write("gold.jsonl", "{\"id\": 1, \"text\": \"x\", \"triplets\": [{\"subject\": {\"surfaceform\": \"A\\ud800\"}, \"predicate\": {\"surfaceform\": \"r\"}, \"object\": {\"surfaceform\": \"B\"}}]}\n");
        string predictions = _fixture.Write("p.jsonl", "{\"id\": 1, \"facts\": []}\n");
        Cli.Run("eval", "-g", gold, "-p", predictions).AssertOneLineError(1, $"{gold}:1: field \"triplets\"[0].subject.surfaceform is not valid Unicode text");

        string goodGold = _fixture.Write("gold.jsonl", "{\"id\": 1, \"text\": \"x\", \"triplets\": []}\n");
        string badPredictions = _fixture.Write("p.jsonl", "{\"id\": \"\\ud800\", \"facts\": []}\n");
        Cli.Run("eval", "-g", goodGold, "-p", badPredictions).AssertOneLineError(1, $"{badPredictions}:1: field \"id\" is not valid Unicode text");
    }

    [Fact]
    public void A_failed_run_leaves_no_empty_output_and_an_empty_output_is_reused()
    {
        string broken = _fixture.Write("in.jsonl", "{\"text\": \"broken\"\n");
        string output = _fixture.PathOf("out.jsonl");
        Cli.Run(Short("-i", broken, "-o", output)).AssertOneLineError(1, $"{broken}:1: not valid JSON");
        Assert.False(File.Exists(output));

        Cli.Run(["extract", "-m", _fixture.PathOf("no-model"), "-o", output, "text"]).AssertOneLineError(1, "model folder not found");
        Assert.False(File.Exists(output));

        using (var stop = new CancellationTokenSource())
        {
            stop.Cancel();
            Assert.Equal(130, Cli.Run(Short("-o", output, Texts[0]), null, stop.Token).ExitCode);
        }

        Assert.False(File.Exists(output)); // stopped before any result: nothing to resume, so no file that a next run would refuse
        Assert.Equal(0, Cli.Run(Short("-o", output, Texts[0])).ExitCode);
        File.Delete(output);

        File.WriteAllBytes(output, []);
        Assert.Equal(0, Cli.Run(Short("-o", output, Texts[0])).ExitCode);
        Assert.Equal(Texts[0], JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void Multi_line_library_messages_are_printed_whole_on_one_line()
    {
        string message = LibraryErrors.OneLine("[ErrorCode:Fail] Load model failed:\nNode (Add) input 'x' shape mismatch\r\n  expected [1, 2] (Parameter 'options')");

        Assert.Equal("[ErrorCode:Fail] Load model failed: Node (Add) input 'x' shape mismatch expected [1, 2]", message);
    }

    [Fact]
    public void Invalid_utf8_in_the_input_fails_naming_the_file_line_and_byte()
    {
        string input = _fixture.PathOf("in.txt");
        File.WriteAllBytes(input, [.. Encoding.UTF8.GetBytes("A fine line.\nBad "), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(" byte.\n")]);

        Cli.Run(Short("-i", input)).AssertOneLineError(1, $"{input}:2: invalid UTF-8 at byte 5 of the line (0xC3)");
    }

    [Fact]
    public void Conflicting_or_misdirected_options_are_refused_naming_them()
    {
        string file = _fixture.Write("cache", "not a folder");
        Cli.Run(Short("--trie-cache", file, "text")).AssertOneLineError(1, $"--trie-cache takes a folder, not a file: {file}");
        Cli.Run(Short("--unconstrained", "--world", _fixture.Scratch, "text")).AssertOneLineError(2, "--world and --unconstrained exclude each other");
        Cli.Run("extract", "-m", _fixture.ModelDirectory, "--return-sequences", "11", "text")
            .AssertOneLineError(2, "--return-sequences (11) cannot exceed the number of beams, 10 for this model");
    }

    [Fact]
    public void Eval_with_an_empty_gold_file_names_the_gold_file()
    {
        string gold = _fixture.Write("gold.jsonl", "\n\n");
        string predictions = _fixture.Write("p.jsonl", "{\"id\": 1, \"facts\": []}\n");

        Cli.Run("eval", "-g", gold, "-p", predictions).AssertOneLineError(1, $"{gold}: the gold file has no documents");
    }

    [Fact]
    public void Names_from_files_are_printed_escaped_and_cut()
    {
        string model = ModelWithName("\u001b]0;owned\u0007\u001b[31mred" + new string('n', 1_000_000));

        CliResult result = Cli.Run("extract", "-m", model, "--max-new-tokens", "4", "--beams", "1", "--no-progress", Texts[0]);

        Assert.Equal(0, result.ExitCode);
        string loaded = Assert.Single(result.Error.Split('\n'), line => line.StartsWith("Loaded ", StringComparison.Ordinal));
        Assert.StartsWith("Loaded \\u001B]0;owned\\u0007\\u001B[31mred", loaded, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Error);
        Assert.DoesNotContain('\u0007', result.Error);
        Assert.InRange(loaded.Length, 100, 1000);
        Assert.Contains("characters in all)", loaded, StringComparison.Ordinal);
    }

    /// <summary>A folder with the fixture model's files linked and a synthie.json naming the model <paramref name="name"/>.</summary>
    private string ModelWithName(string name)
    {
        string folder = Directory.CreateDirectory(_fixture.PathOf("named-model")).FullName;
        foreach (string entry in Directory.EnumerateFileSystemEntries(_fixture.ModelDirectory))
        {
            if (Path.GetFileName(entry) != SynthIEManifest.FileName)
            {
                File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(entry)), entry);
            }
        }

        SynthIEManifest manifest = SynthIEManifest.Load(Path.Combine(_fixture.ModelDirectory, SynthIEManifest.FileName));
        new SynthIEManifest
        {
            Name = name,
            Linearization = manifest.Linearization,
            LengthPenalty = manifest.LengthPenalty,
            NumBeams = manifest.NumBeams,
            MaxNewTokens = manifest.MaxNewTokens,
            MaxInputTokens = manifest.MaxInputTokens,
            World = manifest.World,
        }.Save(Path.Combine(folder, SynthIEManifest.FileName));
        return folder;
    }
}

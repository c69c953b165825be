using System.Text;
using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>
/// Seeded fuzzing of the tool's file readers through its in-process entry point: mutated JSON Lines inputs (extract),
/// gold files and prediction files (eval). Each case must succeed or fail with exit code 1 or 2 and one documented
/// error line naming the file, never an "unexpected error", and must end within a bound.
/// </summary>
public sealed class FuzzTests : IClassFixture<CliModelFixture>
{
    private const int Seed = 12012;
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(60);

    private static readonly string[] Pieces =
        ["\\ud800", "\\udfff", "\\u0000", "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "1e999", "-0", "\"id\"", "\"text\"", "\u001b[31m", "\r", "\n", "\t", "\uFEFF", "é", "😀"];

    private readonly CliModelFixture _fixture;

    public FuzzTests(CliModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Mutated_extract_inputs_give_results_or_a_one_line_error_naming_the_input()
    {
        var random = new Random(Seed);
        string baseline = string.Join('\n',
            JsonSerializer.Serialize(new { id = "a", text = "Paris is the capital of France." }),
            JsonSerializer.Serialize(new { id = 7, text = "Berlin is in Germany." }),
            JsonSerializer.Serialize(new { docid = "c", text = "Rome is in Italy.", extra = new[] { 1, 2 } })) + "\n";
        for (int i = 0; i < 40; i++)
        {
            string input = _fixture.PathOf("fuzz.jsonl");
            File.WriteAllBytes(input, Mutate(random, Encoding.UTF8.GetBytes(baseline)));
            string output = _fixture.PathOf("out.jsonl");
            CliResult result = RunBounded(["extract", "-m", _fixture.ModelDirectory, "--max-new-tokens", "3", "--beams", "1", "-q", "-i", input, "-o", output], input);
            if (result.ExitCode == 0)
            {
                Assert.All(File.ReadAllLines(output), line => JsonDocument.Parse(line).Dispose());
            }
        }
    }

    [Fact]
    public void Mutated_gold_and_prediction_files_give_scores_or_a_one_line_error_naming_the_file()
    {
        var random = new Random(Seed + 1);
        string gold = string.Join('\n',
            "{\"id\": 1, \"text\": \"Paris is in France.\", \"triplets\": [{\"subject\": {\"surfaceform\": \"Paris\"}, \"predicate\": {\"surfaceform\": \"country\"}, \"object\": {\"surfaceform\": \"France\"}}]}",
            "{\"id\": \"2\", \"text\": \"Rome.\", \"triplets\": []}") + "\n";
        string predictions = string.Join('\n',
            "{\"id\": 1, \"facts\": [{\"subject\": {\"label\": \"Paris\"}, \"relation\": {\"label\": \"country\"}, \"object\": {\"label\": \"France\"}}], \"parsed_cleanly\": true, \"diagnostics\": []}",
            "{\"id\": \"2\", \"facts\": [], \"parsed_cleanly\": false}") + "\n";
        string goodGold = _fixture.Write("gold.jsonl", gold);
        string goodPredictions = _fixture.Write("predictions.jsonl", predictions);
        for (int i = 0; i < 150; i++)
        {
            string mutatedGold = _fixture.PathOf("gold.jsonl");
            File.WriteAllBytes(mutatedGold, Mutate(random, Encoding.UTF8.GetBytes(gold)));
            RunBounded(["eval", "-g", mutatedGold, "-p", goodPredictions], mutatedGold);

            string mutatedPredictions = _fixture.PathOf("predictions.jsonl");
            File.WriteAllBytes(mutatedPredictions, Mutate(random, Encoding.UTF8.GetBytes(predictions)));
            RunBounded(["eval", "-g", goodGold, "-p", mutatedPredictions], mutatedPredictions);
        }
    }

    /// <summary>Runs one case within <see cref="CaseBound"/> and checks its outcome; the file is named in any error.</summary>
    private static CliResult RunBounded(string[] args, string file)
    {
        Task<CliResult> run = Task.Run(() => Cli.Run(args));
        Assert.True(run.Wait(CaseBound), $"no result within {CaseBound.TotalSeconds} s for {file}:\n{File.ReadAllText(file)}");
        CliResult result = run.Result;
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (result.ExitCode != 0)
        {
            string context = $"exit {result.ExitCode} for {file}:\n{Encoding.UTF8.GetString(File.ReadAllBytes(file))}\nstderr: {result.Error}";
            Assert.True(result.ExitCode is 1 or 2, context);
            Assert.True(lines.Length == 1, context);
            Assert.True(lines[0].StartsWith("synthie ", StringComparison.Ordinal), context);
            Assert.True(lines[0].Contains(": error: ", StringComparison.Ordinal), context);
            Assert.True(!lines[0].Contains("unexpected error", StringComparison.Ordinal), context);
            Assert.True(lines[0].Contains(file, StringComparison.Ordinal), context);
            Assert.DoesNotContain('\u001b', result.Error);
        }

        return result;
    }

    /// <summary>Applies one to three random edits: a flipped or random byte, an inserted JSON piece, a cut, a repeated or dropped range.</summary>
    private static byte[] Mutate(Random random, byte[] data)
    {
        var bytes = new List<byte>(data);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Pieces[random.Next(Pieces.Length)]));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4 when at < bytes.Count:
                    int length = random.Next(1, Math.Min(40, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    if (at < bytes.Count)
                    {
                        bytes.RemoveRange(at, random.Next(1, Math.Min(20, bytes.Count - at) + 1));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}

using System.Text;
using SynthIE.Inference.Tests.Infrastructure;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Seeded fuzzing of the public loaders: mutated world lines and files, <c>config.json</c> and <c>synthie.json</c> go
/// through <see cref="WorldLoader"/> and <see cref="SynthIEExtractor.Create"/> on a tiny generated model. Every case
/// either loads or fails with a documented exception whose message names a file of the case; none hangs (a case that
/// runs past its time limit fails the test, it is not a timing measurement).
/// </summary>
public sealed class LoaderFuzzTests : IClassFixture<MisuseModelFixture>
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(60);

    // Fragments that have broken parsers before: bad UTF-8, escaped lone surrogates, control characters, deep nesting,
    // numbers beyond int and double, wrong JSON kinds, CJK and emoji (unknown to T5), markers, huge repeats.
    private static readonly byte[][] Fragments =
    [
        [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0x00],
        "\\ud800"u8.ToArray(), "\\udc00x"u8.ToArray(), "\\u0000"u8.ToArray(), "\u001b[2J"u8.ToArray(),
        "\""u8.ToArray(), "\\"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\t"u8.ToArray(), "\uFEFF"u8.ToArray(),
        "2147483647"u8.ToArray(), "-1"u8.ToArray(), "0"u8.ToArray(), "99999999999999999999999"u8.ToArray(), "1e400"u8.ToArray(), "-0.5"u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(), "\"\""u8.ToArray(),
        "東京"u8.ToArray(), "🚀"u8.ToArray(), "[s]"u8.ToArray(), "[e]"u8.ToArray(), "</s>"u8.ToArray(),
        Encoding.UTF8.GetBytes(new string('[', 80) + new string(']', 80)),
        Encoding.UTF8.GetBytes(new string('{', 70)),
        Encoding.UTF8.GetBytes(new string('x', 70_000)),
    ];

    private static readonly string[] ConfigFields =
        ["num_layers", "num_decoder_layers", "num_heads", "d_model", "d_kv", "vocab_size", "eos_token_id", "decoder_start_token_id", "pad_token_id", "model_type"];

    private static readonly string[] ManifestFields =
        ["schema_version", "name", "linearization", "length_penalty", "num_beams", "max_new_tokens", "max_input_tokens", "world"];

    private static readonly string[] FieldValues =
        ["2147483647", "-2147483648", "0", "1", "3", "100000", "1e300", "1.5", "\"t5\"", "\"\"", "null", "[]", "[1, 2]", "{}", "\"../..\"", "\"/\"",
         "\"\\u001b]0;x\\u0007\"", "\"\\ud800\"", "true", new string('[', 70) + new string(']', 70)];

    private readonly MisuseModelFixture _fixture;

    public LoaderFuzzTests(MisuseModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Mutated_world_files_load_or_fail_with_WorldFileException_naming_the_file()
    {
        using var temp = new TemporaryDirectory("fuzz");
        string data = Path.Combine(temp.Path, "world");
        CopyDirectory(Path.Combine(_fixture.Model.Directory, "world"), data);
        string[] files =
        [
            Path.Combine(data, "constrained_worlds", "demo", "entities.json"),
            Path.Combine(data, "constrained_worlds", "demo", "relations.json"),
            Path.Combine(data, "id2name_mappings", "entity_mapping.jsonl"),
            Path.Combine(data, "id2name_mappings", "relation_mapping.jsonl"),
        ];
        Dictionary<string, byte[]> originals = files.ToDictionary(file => file, File.ReadAllBytes);

        // Simple catalogs beside them, built from the mapping's labels.
        string[] labels = [.. File.ReadLines(files[2]).Take(40).Select(line => line.Split("\"en_label\": \"")[1].TrimEnd('}', '"'))];
        var simple = new Dictionary<string, byte[]>
        {
            [Path.Combine(temp.Path, "catalog.tsv")] = Encoding.UTF8.GetBytes("id\tlabel\n" + string.Concat(labels.Select((label, i) => $"Q{i}\t{label}\n"))),
            [Path.Combine(temp.Path, "catalog.jsonl")] = Encoding.UTF8.GetBytes(string.Concat(labels.Select((label, i) => $"{{\"id\": \"Q{i}\", \"en_label\": \"{label}\"}}\n"))),
            [Path.Combine(temp.Path, "catalog.json")] = Encoding.UTF8.GetBytes("{\n" + string.Join(",\n", labels.Select((label, i) => $"\"Q{i}\": [\"{label}\", \"alias\"]")) + "\n}"),
            [Path.Combine(temp.Path, "catalog.txt")] = Encoding.UTF8.GetBytes(string.Join("\n", labels)),
        };

        var random = new Random(20261207);
        int failures = 0;
        for (int i = 0; i < 400; i++)
        {
            bool synthie = i % 2 == 0;
            string file = synthie ? files[random.Next(files.Length)] : simple.Keys.ElementAt(random.Next(simple.Count));
            byte[] original = synthie ? originals[file] : simple[file];
            byte[] mutated = Mutate(original, random);
            File.WriteAllBytes(file, mutated);
            string description = $"case {i}: {file} mutated to {Preview(mutated, original)}";
            Exception? error = RunCase(description, () =>
            {
                if (synthie)
                {
                    WorldLoader.LoadSynthIE(data, "demo");
                }
                else
                {
                    WorldLoader.LoadCatalog(file, i % 4 == 1 ? WorldItemKind.Entity : WorldItemKind.Relation);
                }
            });
            if (error is not null)
            {
                failures++;
                Assert.True(error is WorldFileException, $"{description}\n{error}");
                Assert.True(error.Message.Contains(file, StringComparison.Ordinal), $"{description}\nthe message does not name the file: {error.Message}");
            }

            File.WriteAllBytes(file, original);
        }

        Assert.True(failures > 100, $"only {failures} of 400 mutations were rejected: the mutations are too weak to test anything");
    }

    [Fact]
    public void Mutated_model_files_load_or_fail_with_a_documented_exception_naming_the_file()
    {
        using var temp = new TemporaryDirectory("fuzz");
        string model = _fixture.Copy(temp.Path);
        string[] files =
        [
            Path.Combine(model, "config.json"),
            Path.Combine(model, "synthie.json"),
            Path.Combine(model, "world", "id2name_mappings", "relation_mapping.jsonl"),
            Path.Combine(model, "world", "constrained_worlds", "demo", "relations.json"),
        ];
        Dictionary<string, byte[]> originals = files.ToDictionary(file => file, File.ReadAllBytes);
        var options = new SynthIEExtractorOptions { IntraOpThreads = 1, MaxNewTokens = 2 };
        var random = new Random(12);
        int failures = 0;
        const int cases = 80;
        for (int i = 0; i < cases; i++)
        {
            string file = files[i % 4 < 2 ? i % 2 : 2 + random.Next(2)];
            byte[] original = originals[file];
            byte[] mutated = file.EndsWith(".json", StringComparison.Ordinal) && random.Next(2) == 0
                ? SetField(original, file.EndsWith("config.json", StringComparison.Ordinal) ? ConfigFields : ManifestFields, random)
                : Mutate(original, random);
            File.WriteAllBytes(file, mutated);
            string description = $"case {i}: {file} mutated to {Preview(mutated, original)}";
            Exception? error = RunCase(description, () =>
            {
                using SynthIEExtractor extractor = SynthIEExtractor.Create(model, options);
                Assert.NotNull(extractor.Extract("Paris is the capital of France."));
            });
            if (error is not null)
            {
                failures++;
                Assert.True(
                    error is ModelLoadException or WorldFileException or ArgumentOutOfRangeException or NotSupportedException,
                    $"{description}\n{error}");
                Assert.True(error.Message.Contains(temp.Path, StringComparison.Ordinal), $"{description}\nthe message names no file of the model: {error.Message}");
            }

            File.WriteAllBytes(file, original);
        }

        Assert.True(failures > cases / 4, $"only {failures} of {cases} mutations were rejected: the mutations are too weak to test anything");
    }

    /// <summary>Runs one case on the thread pool; returns its exception, or null when it succeeded; fails on a hang.</summary>
    private static Exception? RunCase(string description, Action action)
    {
        var task = Task.Run(action);
        bool finished;
        try
        {
            finished = task.Wait(CaseLimit);
        }
        catch (AggregateException error)
        {
            return error.InnerException;
        }

        Assert.True(finished, $"{description}: still running after {CaseLimit.TotalSeconds} s (a hang)");
        return null;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: // overwrite a byte
                    if (bytes.Count > 0)
                    {
                        bytes[at] = (byte)random.Next(256);
                    }

                    break;
                case 1: // delete a range
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(12)));
                    break;
                case 2: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3: // duplicate a line
                    int start = bytes.LastIndexOf((byte)'\n', Math.Max(at - 1, 0)) + 1;
                    int end = bytes.IndexOf((byte)'\n', at);
                    end = end < 0 ? bytes.Count : end + 1;
                    bytes.InsertRange(end, bytes.GetRange(start, end - start));
                    break;
                default: // insert a fragment
                    bytes.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Replaces (or adds) one field of a JSON object file with an awkward value, text-wise.</summary>
    private static byte[] SetField(byte[] original, string[] fields, Random random)
    {
        string text = Encoding.UTF8.GetString(original).TrimEnd();
        string field = fields[random.Next(fields.Length)];
        string value = FieldValues[random.Next(FieldValues.Length)];
        int key = text.IndexOf($"\"{field}\"", StringComparison.Ordinal);
        if (key < 0)
        {
            return Encoding.UTF8.GetBytes(text[..^1].TrimEnd() + $",\n  \"{field}\": {value}\n}}");
        }

        int colon = text.IndexOf(':', key);
        int end = colon + 1;
        int depth = 0;
        bool inString = false;
        for (; end < text.Length; end++)
        {
            char c = text[end];
            if (inString)
            {
                inString = !(c == '"' && text[end - 1] != '\\');
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }
        }

        return Encoding.UTF8.GetBytes(text[..(colon + 1)] + " " + value + text[end..]);
    }

    private static string Preview(byte[] mutated, byte[] original)
    {
        int first = 0;
        while (first < mutated.Length && first < original.Length && mutated[first] == original[first])
        {
            first++;
        }

        int from = Math.Max(0, first - 20);
        return $"…{Encoding.UTF8.GetString(mutated, from, Math.Min(80, mutated.Length - from)).Replace("\n", "\\n", StringComparison.Ordinal)}… (first change at byte {first})";
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith(".synthie-cache", StringComparison.Ordinal))
            {
                continue;
            }

            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

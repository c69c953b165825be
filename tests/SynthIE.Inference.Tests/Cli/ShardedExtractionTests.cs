using System.Text;
using System.Text.Json;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>extract --shard and merge in-process on a tiny model: partition, merged = single run, retry after a cut, locks, merge's complaints.</summary>
public sealed class ShardedExtractionTests : IClassFixture<CliModelFixture>
{
    private const int Shards = 3;
    private readonly CliModelFixture _fixture;

    public ShardedExtractionTests(CliModelFixture fixture) => _fixture = fixture;

    private string WriteInput(int documents)
    {
        var text = new StringBuilder();
        string[] subjects = ["Paris", "Berlin", "Marie Curie", "Albert Einstein", "London", "Rome", "Google"];
        for (int i = 0; i < documents; i++)
        {
            text.Append(JsonSerializer.Serialize(new { id = $"doc-{i}", text = $"{subjects[i % subjects.Length]} is mentioned in text number {i}." })).Append('\n');
            if (i == 4)
            {
                text.Append('\n'); // a blank line is not a document: positions count documents
            }
        }

        return _fixture.Write("texts.jsonl", text.ToString());
    }

    private static string Template(string folder) => Path.Combine(folder, "facts-{shard:03}.jsonl");

    private string NewFolder()
    {
        string folder = _fixture.PathOf("run");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private CliResult RunShard(string input, string folder, int shard, params string[] more) =>
        Cli.Run(_fixture.Extract(["--batch-size", "1", "-i", input, "--shard", $"{shard}/{Shards}", "-o", Template(folder), .. more]));

    private static CliResult Merge(string input, string folder, string output, params string[] more) =>
        Cli.Run(["merge", "-i", input, "--shards", Template(folder), "--shard-count", $"{Shards}", "-o", output, .. more]);

    [Fact]
    public void Shards_partition_the_input_round_robin_and_merge_equals_a_single_run_byte_for_byte()
    {
        string input = WriteInput(11);
        string folder = NewFolder();
        for (int shard = 0; shard < Shards; shard++)
        {
            Assert.Equal(0, RunShard(input, folder, shard).ExitCode);
        }

        string[] ids0 = [.. File.ReadAllLines(Path.Combine(folder, "facts-000.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!)];
        Assert.Equal(["doc-0", "doc-3", "doc-6", "doc-9"], ids0);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "facts-002.jsonl")).Length);

        string merged = Path.Combine(folder, "merged.jsonl");
        CliResult merge = Merge(input, folder, merged);
        Assert.True(merge.ExitCode == 0, merge.Error);
        string single = _fixture.PathOf("single.jsonl");
        Assert.Equal(0, Cli.Run(_fixture.Extract("--batch-size", "1", "-i", input, "-o", single)).ExitCode);
        Assert.Equal(File.ReadAllBytes(single), File.ReadAllBytes(merged));
    }

    [Fact]
    public void A_retried_shard_continues_its_file_after_a_cut_and_a_complete_shard_does_nothing()
    {
        string input = WriteInput(9);
        string folder = NewFolder();
        Assert.Equal(0, RunShard(input, folder, 1).ExitCode);
        string file = Path.Combine(folder, "facts-001.jsonl");
        byte[] complete = File.ReadAllBytes(file);

        // A task killed mid-write: one complete line and half of the next.
        int firstNewline = Array.IndexOf(complete, (byte)'\n');
        File.WriteAllBytes(file, complete.AsSpan(0, firstNewline + 1 + ((complete.Length - firstNewline) / 2)).ToArray());
        CliResult retry = Cli.Run(_fixture.ExtractLoud(["--batch-size", "1", "-i", input, "--shard", $"1/{Shards}", "-o", Template(folder)]));
        Assert.True(retry.ExitCode == 0, retry.Error);
        Assert.Contains("Resuming", retry.Error, StringComparison.Ordinal);
        Assert.Equal(complete, File.ReadAllBytes(file));

        CliResult again = Cli.Run(_fixture.ExtractLoud(["--batch-size", "1", "-i", input, "--shard", $"1/{Shards}", "-o", Template(folder)]));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to do", again.Error, StringComparison.Ordinal);
        Assert.Equal(complete, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_second_writer_on_a_locked_shard_is_refused()
    {
        string input = WriteInput(4);
        string folder = NewFolder();
        string file = Path.Combine(folder, "facts-002.jsonl");
        using (new FileStream(file + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            RunShard(input, folder, 2).AssertOneLineError(1, "shard 2/3 is being written by another process");
        }

        Assert.False(File.Exists(file));
        Assert.Equal(0, RunShard(input, folder, 2).ExitCode);
    }

    [Fact]
    public void Shard_options_are_checked()
    {
        string input = WriteInput(2);
        Cli.Run(_fixture.Extract("-i", input, "--shard", "1/3")).AssertOneLineError(2, "--shard needs --output");
        Cli.Run(_fixture.Extract("-i", input, "--shard", "1/3", "-o", _fixture.PathOf("plain.jsonl"))).AssertOneLineError(2, "no {shard} placeholder");
        Cli.Run(_fixture.Extract("-i", input, "--shard", "3/3", "-o", _fixture.PathOf("f-{shard}.jsonl"))).AssertOneLineError(2, "shard 3 does not exist");
        Cli.Run(_fixture.Extract("-i", input, "--shard-count", "3", "-o", _fixture.PathOf("f-{shard}.jsonl"))).AssertOneLineError(2, "--shard-count goes with --shard");
        Cli.Run(_fixture.Extract("--shard", "0/2", "-o", _fixture.PathOf("f-{shard}.jsonl"), "some text")).AssertOneLineError(2, "texts given as arguments are not split");
    }

    [Fact]
    public void Merge_reports_unfinished_shards_and_writes_nothing()
    {
        string input = WriteInput(8);
        string folder = NewFolder();
        for (int shard = 0; shard < Shards; shard++)
        {
            Assert.Equal(0, RunShard(input, folder, shard).ExitCode);
        }

        string file = Path.Combine(folder, "facts-001.jsonl");
        string[] lines = File.ReadAllLines(file);
        File.WriteAllText(file, lines[0] + "\n" + lines[1][..10]);
        string merged = Path.Combine(folder, "merged.jsonl");
        Merge(input, folder, merged).AssertOneLineError(1, $"shard 1 ({file}: 2 documents missing from id \"doc-4\"");
        Assert.False(File.Exists(merged));
        Assert.Empty(Directory.GetFiles(folder, ".merged*"));
    }

    [Fact]
    public void Merge_reports_a_missing_shard_file_extra_lines_and_lines_of_another_input()
    {
        string input = WriteInput(6);
        string folder = NewFolder();
        string merged = Path.Combine(folder, "merged.jsonl");
        Assert.Equal(0, RunShard(input, folder, 0).ExitCode);
        Merge(input, folder, merged).AssertOneLineError(1, "2 shard files of 3 missing");

        for (int shard = 1; shard < Shards; shard++)
        {
            Assert.Equal(0, RunShard(input, folder, shard).ExitCode);
        }

        string fewer = _fixture.Write("fewer.jsonl", string.Join('\n', File.ReadAllLines(input).Where(l => l.Length > 0).Take(3)) + "\n");
        Merge(fewer, folder, merged).AssertOneLineError(1, "have lines beyond");

        string other = _fixture.Write("other.jsonl", File.ReadAllText(input).Replace("text number 4", "text number four", StringComparison.Ordinal));
        Merge(other, folder, merged).AssertOneLineError(1, "the text of id \"doc-4\" differs from the input's");
        Assert.False(File.Exists(merged));
    }
}

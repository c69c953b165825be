using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Cli;

/// <summary><c>synthie world build</c>: builds the trie cache where extract looks, reports counts, reuses and rebuilds it.</summary>
public sealed class WorldBuildCommandTests : IClassFixture<CliModelFixture>
{
    private readonly CliModelFixture _fixture;

    public WorldBuildCommandTests(CliModelFixture fixture) => _fixture = fixture;

    private string DemoWorldCopy()
    {
        string target = _fixture.PathOf("world");
        string source = Path.Combine(SharedData.RepositoryRoot, "samples", "data", "demo-world");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    [Fact]
    public void Builds_the_cache_files_and_reports_the_counts_then_reuses_them()
    {
        string world = DemoWorldCopy();
        string tokenizer = SharedData.File("data/t5-tokenizer/spiece.model");

        CliResult first = Cli.Run("world", "build", world, "--tokenizer", tokenizer, "--no-progress");

        Assert.Equal(0, first.ExitCode);
        string cache = Path.Combine(world, ".synthie-cache");
        Assert.True(File.Exists(Path.Combine(cache, "entities.trie")));
        Assert.True(File.Exists(Path.Combine(cache, "relations.trie")));
        Assert.Contains("entities:  481 names, 481 ids", first.Out, StringComparison.Ordinal);
        Assert.Contains("relations: 30 names, 30 ids", first.Out, StringComparison.Ordinal);
        // Five Wikidata labels of the demo world have characters the T5 vocabulary lacks (ł, í): left out, as SynthIE's
        // genie_t5_tokenizeable world leaves such names out, and counted by reason.
        Assert.Matches(@"Entity trie: 481 names, 5 skipped: 5 UnknownToken \(e\.g\. ""Polish_złoty"", ""Reykjavík"", ""Brasília""\), [\d,]+ nodes; built", first.Out);
        Assert.Matches(@"Relation trie: 30 names, 0 skipped, [\d,]+ nodes; built", first.Out);
        Assert.Contains("Building the tries ...", first.Error, StringComparison.Ordinal);

        CliResult second = Cli.Run("world", "build", world, "--tokenizer", tokenizer, "-q");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(string.Empty, second.Error);
        Assert.Contains("Entity trie: 481 names, 5 skipped: 5 UnknownToken", second.Out, StringComparison.Ordinal);
        Assert.Contains("cache file was current", second.Out, StringComparison.Ordinal);

        CliResult rebuilt = Cli.Run("world", "build", world, "--tokenizer", tokenizer, "--rebuild", "-q");
        Assert.Equal(0, rebuilt.ExitCode);
        Assert.DoesNotContain("cache file was current", rebuilt.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_model_its_world_tokenizer_and_linearization_are_used_and_extract_reads_the_cache()
    {
        string cache = _fixture.PathOf("cache");

        CliResult result = Cli.Run("world", "build", "--model", _fixture.ModelDirectory, "--cache-dir", cache, "-q");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"World: {Path.Combine(_fixture.ModelDirectory, "world")}", result.Out, StringComparison.Ordinal);
        Assert.Contains("linearization: fully_expanded", result.Out, StringComparison.Ordinal);
        Assert.Contains($"pass --trie-cache {cache} to extract", result.Out, StringComparison.Ordinal);
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(cache, "entities.trie"));

        CliResult extract = Cli.Run("extract", "-m", _fixture.ModelDirectory, "--trie-cache", cache, "--max-new-tokens", "8", "--beams", "2", "-q", "Paris is in France.");
        Assert.Equal(0, extract.ExitCode);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(cache, "entities.trie")));
    }

    [Fact]
    public void Mistakes_give_one_line_errors()
    {
        Cli.Run("world", "build").AssertOneLineError(2, "give the world folder");
        Cli.Run("world", "build", _fixture.PathOf("none"), "--tokenizer", SharedData.File("data/t5-tokenizer/spiece.model"), "-q").AssertOneLineError(1, "World folder not found");
        Cli.Run("world", "build", DemoWorldCopy(), "--tokenizer", _fixture.PathOf("none.model")).AssertOneLineError(1, "tokenizer not found");
        Cli.Run("world", "build", _fixture.Scratch, "--tokenizer", SharedData.File("data/t5-tokenizer/spiece.model"), "-q").AssertOneLineError(1, "is not a world folder");
        Cli.Run("world").AssertOneLineError(2, "(see synthie world --help)");
    }
}

using System.Text;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Tests.Infrastructure;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Issue 12, defects 6 and 9: invalid text in a world mapping file names the file and line; names the tokenizer cannot
/// encode are counted by reason and left out; a world without entities or relations is an error.
/// </summary>
public sealed class WorldMisuseTests : IClassFixture<MisuseModelFixture>
{
    private readonly MisuseModelFixture _fixture;

    public WorldMisuseTests(MisuseModelFixture fixture) => _fixture = fixture;

    public static TheoryData<string, byte[]> BadLines => new()
    {
        { "invalid UTF-8 in a label", [.. "{\"id\": \"Q9\", \"en_label\": \"Bad"u8, 0xC3, 0x28, .. "\"}"u8] },
        { "invalid UTF-8 in an id", [.. "{\"id\": \"Q"u8, 0xFF, .. "\", \"en_label\": \"Bad\"}"u8] },
        { "an escaped lone surrogate", [.. "{\"id\": \"Q9\", \"en_label\": \"Bad \\ud800 name\"}"u8] },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Invalid_text_in_a_mapping_file_names_the_file_and_line(string what, byte[] line)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string mapping = Path.Combine(model, "world", "id2name_mappings", "entity_mapping.jsonl");
        int lines = File.ReadAllLines(mapping).Length;
        using (var stream = new FileStream(mapping, FileMode.Append))
        {
            stream.Write("\n"u8);
            stream.Write(line);
            stream.Write("\n"u8);
        }

        var error = Assert.Throws<WorldFileException>(() => SynthIEExtractor.Create(model));
        Assert.Equal(mapping, error.FilePath);
        Assert.True(error.LineNumber >= lines + 1, $"{what}: line {error.LineNumber}");
        Assert.StartsWith($"{mapping}:{error.LineNumber}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_json_catalog_names_the_file_and_line()
    {
        using var temp = new TemporaryDirectory("misuse");
        string path = Path.Combine(temp.Path, "names.json");
        File.WriteAllText(path, "[\n\"Good\",\n\"Bad \\udc00\"\n]");
        var error = Assert.Throws<WorldFileException>(() => WorldLoader.LoadCatalog(path, WorldItemKind.Entity));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void Names_the_tokenizer_cannot_encode_or_give_back_are_counted_by_reason_and_left_out()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string world = Path.Combine(temp.Path, "cjk-world");
        Directory.CreateDirectory(world);
        File.WriteAllText(Path.Combine(world, "entities.tsv"), "Q1\tParis\nQ2\t東京\nQ3\tRocket 🚀\nQ4\tFrance\nQ5\tﬁnance\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(world, "relations.tsv"), "P1\tcapital\nP2\t首都\n", new UTF8Encoding(false));
        using SynthIEExtractor extractor = SynthIEExtractor.Create(model, new SynthIEExtractorOptions { WorldDirectory = world, NumBeams = 2, MaxNewTokens = 16, IntraOpThreads = 1 });
        var constraint = (SynthIEConstraint)extractor.Constraint!;
        Assert.Equal(5, constraint.EntityTrie.Names);
        Assert.Equal(3, constraint.EntityTrie.SkippedNames);
        Assert.Equal(2, constraint.EntityTrie.SkippedUnknownTokens);
        Assert.Equal(2, constraint.EntityTrie.SkippedByReason[WorldIssueKind.UnknownToken]);
        Assert.Equal(1, constraint.EntityTrie.SkippedByReason[WorldIssueKind.ChangedByTokenizer]); // the ligature comes back as "fi"
        Assert.Contains("ﬁnance", constraint.EntityTrie.SkippedExamples);
        Assert.Contains("東京", constraint.EntityTrie.SkippedExamples);
        Assert.Equal(1, constraint.RelationTrie.SkippedByReason[WorldIssueKind.UnknownToken]);

        // The model can no longer write a name that decodes to nothing.
        foreach (ExtractionCandidate candidate in extractor.Extract("Paris is the capital of France.").Candidates)
        {
            Assert.DoesNotContain(2, candidate.TokenIds); // <unk>
            Assert.All(candidate.Facts, fact => Assert.False(string.IsNullOrEmpty(fact.Subject.Label) || string.IsNullOrEmpty(fact.Object.Label)));
        }
    }

    [Fact]
    public void A_world_whose_names_the_tokenizer_cannot_encode_at_all_is_an_error()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string world = Path.Combine(temp.Path, "cjk-world");
        Directory.CreateDirectory(world);
        File.WriteAllText(Path.Combine(world, "entities.tsv"), "Q2\t東京\nQ3\t🚀\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(world, "relations.tsv"), "P1\tcapital\n", new UTF8Encoding(false));
        var error = Assert.Throws<WorldFileException>(() => SynthIEExtractor.Create(model, new SynthIEExtractorOptions { WorldDirectory = world }));
        Assert.Contains("no entity name the tokenizer can encode", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 UnknownToken", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entities.tsv", "relations.tsv")]
    [InlineData("relations.tsv", "entities.tsv")]
    public void A_world_folder_without_entities_or_relations_is_an_error(string emptyFile, string fullFile)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string world = Path.Combine(temp.Path, "empty-world");
        Directory.CreateDirectory(world);
        File.WriteAllText(Path.Combine(world, emptyFile), "\n\n");
        File.WriteAllText(Path.Combine(world, fullFile), "X1\tsomething\n");
        var error = Assert.Throws<WorldFileException>(() => SynthIEExtractor.Create(model, new SynthIEExtractorOptions { WorldDirectory = world }));
        Assert.Contains(world, error.Message, StringComparison.Ordinal);
        Assert.Contains(emptyFile.StartsWith("entities", StringComparison.Ordinal) ? "no entity names" : "no relation names", error.Message, StringComparison.Ordinal);
    }
}

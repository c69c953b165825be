using SynthIE.Inference.Tests.Infrastructure;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Tests.Worlds;

public sealed class WorldLoaderTests
{
    [Fact]
    public void Loads_SynthIE_files_with_their_spelling_and_counts_what_is_missing()
    {
        using var directory = new TemporaryDirectory();
        string data = directory.Path;
        Write(data, "constrained_worlds/small/entities.json", """["Q191069", "Q47716", "Q999", "Q15643", "Q47716"]""");
        Write(data, "constrained_worlds/small/relations.json", "[\n  \"P571\",\n  \"P1066\"\n]");
        Write(data, "id2name_mappings/entity_mapping.jsonl", string.Join("\n",
            """{"id": "Q191069", "en_label": "Paleoclimatology"}""",
            """{"id": "Q47716", "en_label": "Charleston, South Carolina"}""",
            """{"id": "Q2143143", "en_label": "Owaneco,_Illinois"}""",
            """{"id": "Q15643", "en_label": "Juliet (moon)", "extra": [1, {"x": 2}]}""",
            "",
            """{"id": "Q15643", "en_label": "Juliet (moon of Uranus)"}""",
            """{"id": "Q191069", "en_label": "Paleoclimatology "}"""));
        Write(data, "id2name_mappings/relation_mapping.jsonl",
            "{\"id\": \"P571\", \"en_label\": \"inception\"}\r\n{\"id\": \"P1066\", \"en_label\": \"student_of\"}\r\n");

        World world = WorldLoader.LoadSynthIE(data, "small");

        // SynthIE keeps the last line for an id: the first name of Q15643 is gone.
        Assert.Equal(["Paleoclimatology", "Charleston,_South_Carolina", "Juliet_(moon_of_Uranus)"], world.Entities.Labels);
        Assert.Equal(["inception", "student of"], world.Relations.Labels);
        Assert.Equal(["Q47716"], world.Entities.GetIds("Charleston,_South_Carolina"));
        Assert.True(world.Entities.TryGetLabel("Q15643", out string? juliet));
        Assert.Equal("Juliet_(moon_of_Uranus)", juliet);
        Assert.False(world.Entities.ContainsLabel("Juliet_(moon)"));
        Assert.False(world.Entities.ContainsId("Q2143143"));
        Assert.Equal(1, world.Entities.Report.Skipped[WorldIssueKind.MissingLabel]);
        Assert.Equal(2, world.Entities.Report.Skipped[WorldIssueKind.DuplicateEntry]);
        Assert.Equal(1, world.Entities.Report.Skipped[WorldIssueKind.ConflictingLabel]);
        Assert.Contains(world.Entities.Report.Examples, issue => issue.Kind == WorldIssueKind.MissingLabel && issue.Id == "Q999");
        Assert.Equal(WorldCatalogReport.Empty.ToString(), world.Relations.Report.ToString());
    }

    [Fact]
    public void Missing_files_name_the_file()
    {
        using var directory = new TemporaryDirectory();
        Write(directory.Path, "constrained_worlds/w/entities.json", "[]");
        FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => WorldLoader.LoadSynthIE(directory.Path, "w"));
        Assert.Contains(Path.Combine("w", "relations.json"), error.Message, StringComparison.Ordinal);

        error = Assert.Throws<FileNotFoundException>(() => WorldLoader.LoadCatalog(Path.Combine(directory.Path, "none.tsv"), WorldItemKind.Entity));
        Assert.Contains("none.tsv", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("m.jsonl", "{\"id\": \"Q1\", \"en_label\": \"A\"}\n{\"id\": \"Q2\", \"en_label\": \"B\"\n", 2, "malformed JSON")]
    [InlineData("m.jsonl", "{\"id\": \"Q1\", \"en_label\": \"A\"}\n\n{\"en_label\": \"B\"}\n", 3, "no \"id\"")]
    [InlineData("m.jsonl", "{\"id\": \"Q1\", \"en_label\": 5}\n", 1, "must be a string")]
    [InlineData("m.jsonl", "[\"Q1\", \"A\"]\n", 1, "expected a JSON object")]
    [InlineData("m.jsonl", "{\"id\": \"Q1\", \"en_label\": \"A\"} {}\n", 1, "malformed JSON")]
    [InlineData("m.tsv", "id\tlabel\nQ1\tA\nQ2 B\n", 3, "no tab")]
    [InlineData("m.tsv", "Q1\tA\n\tB\n", 2, "id (first column) is empty")]
    [InlineData("m.json", "{\n\"Q1\": \"A\",\n\"Q2\": 7\n}", 3, "must be a label")]
    [InlineData("m.json", "[\n\"A\",\n{}\n]", 3, "list of names")]
    [InlineData("m.json", "{\n\"Q1\": \"A\",\n", 3, "malformed JSON")]
    public void Malformed_lines_are_reported_with_file_and_line(string name, string content, long line, string problem)
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, name);
        File.WriteAllText(path, content);
        WorldFileException error = Assert.Throws<WorldFileException>(() => WorldLoader.LoadCatalog(path, WorldItemKind.Entity));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(line, error.LineNumber);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_id_lists_are_reported_with_file_and_line()
    {
        using var directory = new TemporaryDirectory();
        Write(directory.Path, "constrained_worlds/w/entities.json", "[\n\"Q1\",\n3\n]");
        Write(directory.Path, "constrained_worlds/w/relations.json", "[]");
        Write(directory.Path, "id2name_mappings/entity_mapping.jsonl", string.Empty);
        Write(directory.Path, "id2name_mappings/relation_mapping.jsonl", string.Empty);
        WorldFileException error = Assert.Throws<WorldFileException>(() => WorldLoader.LoadSynthIE(directory.Path, "w"));
        Assert.EndsWith("entities.json", error.FilePath, StringComparison.Ordinal);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void Simple_catalog_formats_all_load()
    {
        using var directory = new TemporaryDirectory();
        string tsv = Write(directory.Path, "e.tsv", "id\tlabel\nQ1\tNew York City\textra column\r\nQ2\tParis\n\nQ3\tParis\n");
        string jsonl = Write(directory.Path, "e.jsonl", "\uFEFF{\"id\": \"Q1\", \"label\": \"New York City\"}\n");
        string text = Write(directory.Path, "e.txt", "New York City\n  \nParis\n");
        string json = Write(directory.Path, "e.json", "{\"Q1\": [\"New York City\", \"a city\"], \"Q2\": \"Paris\"}");
        string list = Write(directory.Path, "names.json", "[\"New York City\", \"Paris\"]");

        WorldCatalog fromTsv = WorldLoader.LoadCatalog(tsv, WorldItemKind.Entity);
        Assert.Equal(["New_York_City", "Paris"], fromTsv.Labels);
        Assert.Equal(["Q2", "Q3"], fromTsv.GetIds("Paris"));
        Assert.Equal(3, fromTsv.IdCount);
        Assert.Equal(["Q1"], WorldLoader.LoadCatalog(jsonl, WorldItemKind.Entity).GetIds("New_York_City"));
        WorldCatalog fromText = WorldLoader.LoadCatalog(text, WorldItemKind.Entity);
        Assert.Equal(["New_York_City", "Paris"], fromText.Labels);
        Assert.Equal(0, fromText.IdCount);
        Assert.Empty(fromText.GetIds("Paris"));
        Assert.Equal(["Q1"], WorldLoader.LoadCatalog(json, WorldItemKind.Entity).GetIds("New_York_City"));
        Assert.Equal(2, WorldLoader.LoadCatalog(list, WorldItemKind.Entity).LabelCount);
    }

    [Fact]
    public void Loads_the_Wikidata_property_names()
    {
        WorldCatalog relations = WorldLoader.LoadCatalog(SharedData.File("data/wikidata/pid2name.json"), WorldItemKind.Relation);
        Assert.Equal(744, relations.IdCount);
        Assert.True(relations.TryGetLabel("P31", out string? label));
        Assert.Equal("instance of", label);
        Assert.Equal(0, relations.Report.TotalSkipped);
    }

    private static string Write(string root, string relative, string content)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}

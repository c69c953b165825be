using System.Text.Json;
using SynthIE.Inference.Facts;
using SynthIE.Inference.Tests.Constraints;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Facts;

public sealed class FactParserTests
{
    [Fact]
    public void Reads_the_demo_output_of_SynthIE_base_sc()
    {
        using JsonDocument demo = JsonDocument.Parse(File.ReadAllText(SharedData.File("data/synthie/demo.json")));
        string output = demo.RootElement.GetProperty("output").GetString()!;
        var expected = demo.RootElement.GetProperty("triplets").EnumerateArray()
            .Select(t => (t[0].GetString()!, t[1].GetString()!, t[2].GetString()!))
            .ToHashSet();

        FactParseResult result = new FactParser(Linearization.SubjectCollapsed).Parse(output);

        Assert.True(result.IsWellFormed, string.Join("; ", result.Diagnostics));
        Assert.Equal(6, result.Facts.Count);
        Assert.Equal(expected, result.Facts.Select(f => (f.Subject.Label, f.Relation.Label, f.Object.Label)).ToHashSet());
        Assert.Equal(("Journal_of_Colloid_and_Interface_Science", "indexed in bibliographic review", "Scopus"),
            (result.Facts[0].Subject.Label, result.Facts[0].Relation.Label, result.Facts[0].Object.Label));
        Assert.Equal(("Scopus", "owned by", "Elsevier"),
            (result.Facts[5].Subject.Label, result.Facts[5].Relation.Label, result.Facts[5].Object.Label));
        Assert.All(result.Facts, f => Assert.Empty(f.Subject.WikidataIds));
    }

    [Theory]
    [InlineData("fully_expanded")]
    [InlineData("subject_collapsed")]
    public void Formatting_then_parsing_gives_the_facts_back_in_order(string identifier)
    {
        Linearization linearization = Linearization.FromIdentifier(identifier);
        PrefixCaseFile file = PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json"));
        var parser = new FactParser(linearization);
        foreach (PrefixCaseFile.Target target in file.Linearizations[identifier].Targets)
        {
            FactParseResult result = parser.Parse(target.Text);
            Assert.True(result.IsWellFormed, $"{target.DocumentId}: {string.Join("; ", result.Diagnostics)}");
            Assert.Equal(
                target.Triplets.Select(t => (Linearization.NormalizeEntityName(t.Subject), Linearization.NormalizeRelationName(t.Relation), Linearization.NormalizeEntityName(t.Object))),
                result.Facts.Select(f => (f.Subject.Label, f.Relation.Label, f.Object.Label)));
        }
    }

    [Fact]
    public void Clean_up_spacing_from_decoding_is_handled()
    {
        // Hugging Face's decode turns " ." into ".", so an object named .NET_Framework follows its marker directly.
        FactParseResult result = new FactParser(Linearization.FullyExpanded).Parse("[s] C_Sharp [r] platform [o].NET_Framework [e]");
        Assert.True(result.IsWellFormed);
        Assert.Equal(".NET_Framework", Assert.Single(result.Facts).Object.Label);
    }

    [Fact]
    public void Duplicates_are_kept_and_flagged()
    {
        FactParseResult result = new FactParser(Linearization.FullyExpanded).Parse(
            "[s] A [r] r [o] B [e] [s] C [r] r [o] D [e] [s] A [r] r [o] B [e]");
        Assert.Equal([false, false, true], result.Facts.Select(f => f.IsDuplicate));
        Assert.Equal(2, result.DistinctFacts.Count());
        Assert.True(result.IsWellFormed);
    }

    [Fact]
    public void A_cut_off_output_keeps_whole_facts_and_reports_the_rest()
    {
        FactParseResult result = new FactParser(Linearization.FullyExpanded).Parse("[s] A [r] r [o] B [e] [s] C [r] q");
        Assert.Equal(("A", "r", "B"), (result.Facts[0].Subject.Label, result.Facts[0].Relation.Label, result.Facts[0].Object.Label));
        Assert.Single(result.Facts);
        Assert.Equal(
            [ParseDiagnosticKind.IncompleteFact, ParseDiagnosticKind.MissingEndMarker],
            result.Diagnostics.Select(d => d.Kind));
        Assert.Equal("C q", result.Diagnostics[0].Fragment);
        Assert.Equal(26, result.Diagnostics[0].Position);
    }

    [Fact]
    public void Fully_expanded_reads_names_by_position_like_SynthIE_and_reports_why()
    {
        // SynthIE takes the non-empty pieces three at a time whatever marker precedes them.
        FactParseResult result = new FactParser(Linearization.FullyExpanded).Parse("hello [s] A [r] r [o] B [e]");
        Fact fact = Assert.Single(result.Facts);
        Assert.Equal(("hello", "A", "r"), (fact.Subject.Label, fact.Relation.Label, fact.Object.Label));
        Assert.Equal([ParseDiagnosticKind.TextOutsideFact, ParseDiagnosticKind.IncompleteFact], result.Diagnostics.Select(d => d.Kind));

        result = new FactParser(Linearization.FullyExpanded).Parse("[s] A [o] B [e]");
        Assert.Empty(result.Facts);
        Assert.Contains(result.Diagnostics, d => d.Kind == ParseDiagnosticKind.UnexpectedMarker && d.Fragment == "[o]" && d.Position == 6);
        Assert.Contains(result.Diagnostics, d => d.Kind == ParseDiagnosticKind.IncompleteFact && d.Fragment == "A B");

        result = new FactParser(Linearization.FullyExpanded).Parse("[s] [r] r [o] B [e]");
        Assert.Contains(result.Diagnostics, d => d.Kind == ParseDiagnosticKind.EmptyPart && d.Position == 0);
    }

    [Fact]
    public void Subject_collapsed_reports_broken_groups()
    {
        var parser = new FactParser(Linearization.SubjectCollapsed);
        FactParseResult result = parser.Parse("[s] A [r] r [o] B [r] q [e] [s] [e] [s] C [r] r [o] D [e]");
        Assert.Equal(["A r B", "C r D"], result.Facts.Select(f => $"{f.Subject.Label} {f.Relation.Label} {f.Object.Label}"));
        Assert.Equal(
            [ParseDiagnosticKind.IncompleteFact, ParseDiagnosticKind.UnexpectedMarker, ParseDiagnosticKind.EmptyGroup, ParseDiagnosticKind.EmptyPart, ParseDiagnosticKind.UnexpectedMarker],
            result.Diagnostics.Select(d => d.Kind));
        Assert.Equal("q", result.Diagnostics[0].Fragment);
    }

    [Fact]
    public void The_entity_type_variant_splits_at_et_only()
    {
        FactParseResult result = new FactParser(Linearization.FullyExpandedWithEntityTypes).Parse("[s] A [r] r [o] B [e] [et]");
        Assert.Equal("B [e]", Assert.Single(result.Facts).Object.Label);
        Assert.True(result.IsWellFormed);
    }

    [Fact]
    public void Blank_output_has_no_facts_and_no_diagnostics()
    {
        Assert.True(new FactParser(Linearization.FullyExpanded).Parse("  ").IsWellFormed);
        Assert.Empty(new FactParser(Linearization.SubjectCollapsed).Parse(string.Empty).Facts);
    }

    [Fact]
    public void A_world_adds_every_Wikidata_id_of_a_name_and_reports_unknown_names()
    {
        World world = World.Create(
            [new("Q90", "Paris"), new("Q142", "France"), new("Q830149", "Paris"), new("Q1", "Elsewhere")],
            [new("P17", "country")]);
        FactParseResult result = new FactParser(Linearization.FullyExpanded, world).Parse(
            "[s] Paris [r] country [o] France [e] [s] Paris [r] twinned with [o] Rome [e]");

        Assert.Equal(["Q90", "Q830149"], result.Facts[0].Subject.WikidataIds);
        Assert.Equal(["P17"], result.Facts[0].Relation.WikidataIds);
        Assert.Equal(["Q142"], result.Facts[0].Object.WikidataIds);
        Assert.Empty(result.Facts[1].Relation.WikidataIds);
        Assert.Equal(
            [(ParseDiagnosticKind.UnknownRelation, "twinned with"), (ParseDiagnosticKind.UnknownEntity, "Rome")],
            result.Diagnostics.Select(d => (d.Kind, d.Fragment)));
        Assert.Equal(new FactArgument("Paris", ["Q90", "Q830149"]), result.Facts[1].Subject);
        Assert.NotEqual(new FactArgument("Paris", ["Q90"]), result.Facts[1].Subject);
    }

    [Fact]
    public void Formatting_parsed_facts_gives_the_text_back()
    {
        const string Text = "[s] A [r] r [o] B [r] q [o] C [e] [s] D [r] r [o] A [e]";
        FactParseResult result = new FactParser(Linearization.SubjectCollapsed).Parse(Text);
        Assert.Equal(Text, LinearizationFormatter.Format(Linearization.SubjectCollapsed, result.Facts));
    }
}

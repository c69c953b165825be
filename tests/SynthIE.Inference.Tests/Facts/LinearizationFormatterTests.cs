using SynthIE.Inference.Facts;
using SynthIE.Inference.Tests.Constraints;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Facts;

public sealed class LinearizationFormatterTests
{
    private static readonly Lazy<PrefixCaseFile> Cases =
        new(() => PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json")));

    [Theory]
    [InlineData("fully_expanded")]
    [InlineData("subject_collapsed")]
    public void Text_and_ids_match_SynthIE_targets(string identifier)
    {
        Linearization linearization = Linearization.FromIdentifier(identifier);
        IReadOnlyList<PrefixCaseFile.Target> targets = Cases.Value.Linearizations[identifier].Targets;
        Assert.Equal(129, targets.Count);
        foreach (PrefixCaseFile.Target target in targets)
        {
            Assert.Equal(target.Text, LinearizationFormatter.Format(linearization, target.Triplets));
            Assert.Equal(target.Ids, LinearizationFormatter.FormatIds(linearization, target.Triplets, TestEncoders.T5));
        }
    }

    [Fact]
    public void Fully_expanded_writes_every_fact_in_full()
    {
        Assert.Equal(
            "[s] Douglas_Adams [r] occupation [o] Novelist [e] [s] Douglas_Adams [r] place of birth [o] Cambridge [e]",
            LinearizationFormatter.Format(Linearization.FullyExpanded, [
                ("Douglas Adams", "occupation", "Novelist"),
                ("Douglas Adams", "place_of_birth", " Cambridge "),
            ]));
    }

    [Fact]
    public void Subject_collapsed_groups_consecutive_facts_of_one_subject()
    {
        Assert.Equal(
            "[s] A [r] r1 [o] B [r] r2 [o] C [e] [s] D [r] r1 [o] A [e] [s] A [r] r3 [o] E [e]",
            LinearizationFormatter.Format(Linearization.SubjectCollapsed, [
                ("A", "r1", "B"), ("A", "r2", "C"), ("D", "r1", "A"), ("A", "r3", "E"),
            ]));
    }

    [Fact]
    public void The_entity_type_variant_ends_facts_with_et()
    {
        Assert.Equal("[s] A [r] r [o] B [et] [s] C [r] r [o] D [et]",
            LinearizationFormatter.Format(Linearization.FullyExpandedWithEntityTypes, [("A", "r", "B"), ("C", "r", "D")]));
    }

    [Fact]
    public void No_facts_give_an_empty_text_or_just_the_end_marker()
    {
        Assert.Equal(string.Empty, LinearizationFormatter.Format(Linearization.FullyExpanded, Array.Empty<(string, string, string)>()));
        Assert.Equal("[e]", LinearizationFormatter.Format(Linearization.SubjectCollapsed, Array.Empty<(string, string, string)>()));
        Assert.Equal([1], LinearizationFormatter.FormatIds(Linearization.FullyExpanded, [], TestEncoders.T5));
        Assert.Equal([784, 15, 908, 1], LinearizationFormatter.FormatIds(Linearization.SubjectCollapsed, [], TestEncoders.T5));
    }

    [Fact]
    public void Names_are_spelled_the_SynthIE_way()
    {
        Assert.Equal("Charleston,_South_Carolina", Linearization.NormalizeEntityName("  Charleston, South Carolina\t"));
        Assert.Equal("place of birth", Linearization.NormalizeRelationName("place_of_birth "));
        Assert.Equal("a\u00A0b", Linearization.NormalizeEntityName("\u2003a\u00A0b\u001F"));
    }

    [Fact]
    public void Identifiers_and_markers()
    {
        Assert.Same(Linearization.SubjectCollapsed, Linearization.FromIdentifier("subject_collapsed"));
        Assert.Same(Linearization.FullyExpandedWithEntityTypes, Linearization.FromKind(LinearizationKind.FullyExpandedWithEntityTypes));
        Assert.Equal(["[s]", "[r]", "[o]", "[et]"], Linearization.FullyExpandedWithEntityTypes.Markers);
        Assert.True(Linearization.SubjectCollapsed.CollapsesSubjects);
        Assert.False(Linearization.FullyExpanded.CollapsesSubjects);
        ArgumentException error = Assert.Throws<ArgumentException>(() => Linearization.FromIdentifier("collapsed"));
        Assert.Contains("collapsed", error.Message, StringComparison.Ordinal);
    }
}

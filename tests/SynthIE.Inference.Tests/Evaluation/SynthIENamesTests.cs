using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>
/// Pins SynthIE's name handling (epfl-dlab/SynthIE, <c>src/utils/linearization_utils.py</c>). Writing a triplet,
/// <c>normalize_spaces</c> strips a name (Python's <c>str.strip()</c>) and replaces spaces by <c>_</c> (entities) or
/// <c>_</c> by spaces (relations); reading the text back, <c>_split_text</c> strips every part again. The expected values
/// below were computed with those two Python steps (CPython 3, <c>str.strip</c> over Python's whitespace, which includes
/// U+001C..U+001F and U+0085, U+00A0, U+2028, U+3000, but not U+200B).
/// </summary>
public sealed class SynthIENamesTests
{
    [Theory]
    [InlineData("_x", "_x", " x", "_x", "x")]
    [InlineData("x_", "x_", "x ", "x_", "x")]
    [InlineData(" _x_ ", "_x_", " x ", "_x_", "x")]
    [InlineData("\u001cx\u001f", "x", "x", "x", "x")]
    [InlineData("\u00a0Marie Curie\u3000", "Marie_Curie", "Marie Curie", "Marie_Curie", "Marie Curie")]
    [InlineData("\tplace_of birth \n", "place_of_birth", "place of birth", "place_of_birth", "place of birth")]
    [InlineData("a _ b", "a___b", "a   b", "a___b", "a   b")]
    [InlineData("__", "__", "  ", "__", "")]
    [InlineData("  ", "", "", "", "")]
    [InlineData("x\u200by", "x\u200by", "x\u200by", "x\u200by", "x\u200by")]
    [InlineData("\u0085y\u2028", "y", "y", "y", "y")]
    public void Names_are_written_and_compared_as_SynthIE_does(
        string name, string writtenEntity, string writtenRelation, string comparedEntity, string comparedRelation)
    {
        // How the linearization (targets, tries) writes the name.
        Assert.Equal(writtenEntity, Linearization.NormalizeEntityName(name));
        Assert.Equal(writtenRelation, Linearization.NormalizeRelationName(name));

        // How the evaluation compares it: written, then split and stripped again.
        Assert.Equal(comparedEntity, SynthIENames.Entity(name));
        Assert.Equal(comparedRelation, SynthIENames.Relation(name));
    }

    [Fact]
    public void A_parsed_output_gives_the_compared_form_of_its_names()
    {
        // The parser strips each part like _split_text, so a written relation " x " reads back as "x".
        FactParseResult parsed = Linearization.FullyExpanded.Parse("[s] _x_ [r]  x  [o] Marie_Curie [e]");
        Fact fact = Assert.Single(parsed.Facts);
        Assert.Equal(SynthIENames.Entity(" _x_ "), fact.Subject.Label);
        Assert.Equal(SynthIENames.Relation(" _x_ "), fact.Relation.Label);
        Assert.Equal(SynthIENames.Entity("\u00a0Marie Curie\u3000"), fact.Object.Label);
    }
}

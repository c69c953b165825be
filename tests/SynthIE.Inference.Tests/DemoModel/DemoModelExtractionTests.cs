namespace SynthIE.Inference.Tests.DemoModel;

/// <summary>
/// The whole chain on the demo model — tokenizer, encoder, constrained beam search over the demo world, parser and the
/// world's ids — loaded the normal way (<see cref="SynthIEExtractor.Create(string, SynthIEExtractorOptions?)"/> on the
/// folder <c>synthie models demo</c> wrote) extracts exactly the true facts of five fixed sentences: four about
/// training facts in training-style phrasing, one with a held-out fact.
/// </summary>
public sealed class DemoModelExtractionTests : IClassFixture<DemoModelFixture>
{
    private readonly DemoModelFixture _model;

    public DemoModelExtractionTests(DemoModelFixture model)
    {
        _model = model;
    }

    public static TheoryData<string, string[]> Sentences => new()
    {
        {
            "Vienna is the capital of Austria.",
            ["Austria (Q40) | capital (P36) | Vienna (Q1741)"]
        },
        {
            "The Godfather was directed by Francis Ford Coppola and stars Al Pacino.",
            ["The_Godfather (Q47703) | director (P57) | Francis_Ford_Coppola (Q56094)", "The_Godfather (Q47703) | cast member (P161) | Al_Pacino (Q41163)"]
        },
        {
            "The Danube flows into the Black Sea.",
            ["Danube (Q1653) | mouth of the watercourse (P403) | Black_Sea (Q166)"]
        },
        {
            "Pablo Picasso was a painter and was born in Málaga.",
            ["Pablo_Picasso (Q5593) | occupation (P106) | Painter (Q1028181)", "Pablo_Picasso (Q5593) | place of birth (P19) | Málaga (Q8851)"]
        },
        {
            // "Ulm | country | Germany" is a held-out fact (never in a training text), chosen on an earlier model before
            // this one was trained. The committed model gets it in 14 of the 16 evaluation texts that state it (and 1,189
            // of the 1,283 held-out fact occurrences of the evaluation set): a fact it usually reads, not a sure one.
            "Albert Einstein was born in Ulm, a city in Germany.",
            ["Albert_Einstein (Q937) | place of birth (P19) | Ulm (Q3012)", "Ulm (Q3012) | country (P17) | Germany (Q183)"]
        },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void Extracts_the_true_facts_with_their_wikidata_ids(string text, string[] expected)
    {
        using var extractor = SynthIEExtractor.Create(_model.ModelDirectory);

        ExtractionResult result = extractor.Extract(text);

        string[] facts = [.. result.Facts.Select(Describe).Order(StringComparer.Ordinal)];
        Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(facts), $"{text}\n  output: {result.RawOutput}\n  facts: {string.Join("; ", facts)}");
        Assert.Empty(result.Diagnostics);
    }

    private static string Describe(Fact fact) =>
        $"{Part(fact.Subject)} | {Part(fact.Relation)} | {Part(fact.Object)}";

    private static string Part(FactArgument argument) => $"{argument.Label} ({string.Join(",", argument.WikidataIds)})";
}

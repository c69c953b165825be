namespace SynthIE.Inference.Tests.Worlds;

public sealed class WorldTests
{
    [Fact]
    public void A_label_maps_to_every_id_that_has_it()
    {
        World world = World.Create(
            [new("Q90", "Paris"), new("Q167646", "Paris"), new("Q142", "France"), new("Q830149", " Paris ")],
            [new("P17", "country"), new("P47", "shares_border_with")]);

        Assert.Equal(["Q90", "Q167646", "Q830149"], world.Entities.GetIds("Paris"));
        Assert.Equal(2, world.Entities.LabelCount);
        Assert.Equal(4, world.Entities.IdCount);
        Assert.Equal(["P47"], world.Relations.GetIds("shares border with"));
        Assert.Empty(world.Relations.GetIds("shares_border_with"));
        Assert.True(world.Entities.ContainsLabel("France"));
        Assert.False(world.Entities.ContainsLabel("france"));
        Assert.Equal("World(2 entity names, 2 relation names)", world.ToString());
    }

    [Fact]
    public void Bad_entries_are_left_out_and_counted_never_silently()
    {
        World world = World.Create(
            [
                new("Q1", "Good"), new("Q2", "  "), new("Q3", "Has [s] marker"), new("Q4", "x[et]"), new("Q1", "Good"),
                new("Q1", "Other"), new(null, "Plain"), new(null, "Plain"), new("Q5", string.Empty),
            ],
            []);

        WorldCatalogReport report = world.Entities.Report;
        Assert.Equal(2, report.Skipped[WorldIssueKind.EmptyLabel]);
        Assert.Equal(2, report.Skipped[WorldIssueKind.LabelContainsMarker]);
        Assert.Equal(2, report.Skipped[WorldIssueKind.DuplicateEntry]);
        Assert.Equal(1, report.Skipped[WorldIssueKind.ConflictingLabel]);
        Assert.Equal(7, report.TotalSkipped);
        Assert.Equal(7, report.Examples.Count);
        Assert.Equal(["Good", "Plain"], world.Entities.Labels);
        Assert.Contains("2 EmptyLabel", report.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => World.Create([new("Q1", null!)], []));
    }

    [Fact]
    public void Restricting_keeps_only_the_given_ids_or_what_a_filter_accepts()
    {
        World world = World.Create(
            [new("Q1", "A"), new("Q2", "B"), new("Q3", "A"), new("Q4", "C")],
            [new("P1", "r1"), new("P2", "r2")]);

        World restricted = world.Restrict(["Q3", "Q4", "Q404"], ["P2"]);
        Assert.Equal(["A", "C"], restricted.Entities.Labels);
        Assert.Equal(["Q3"], restricted.Entities.GetIds("A"));
        Assert.Equal(["r2"], restricted.Relations.Labels);
        Assert.Equal(1, restricted.Entities.Report.Skipped[WorldIssueKind.MissingLabel]);

        World onlyRelations = world.Restrict(entityIds: null, relationIds: ["P1"]);
        Assert.Same(world.Entities, onlyRelations.Entities);

        World filtered = world.Restrict(item => item.Label != "A", null);
        Assert.Equal(["B", "C"], filtered.Entities.Labels);
        Assert.Same(world.Relations, filtered.Relations);
        Assert.Equal(
            [new WorldItem("Q1", "A"), new WorldItem("Q3", "A"), new WorldItem("Q2", "B"), new WorldItem("Q4", "C")],
            world.Entities.Items);
        Assert.True(world.Entities.TryGetLabel("Q2", out string? label));
        Assert.Equal("B", label);
        Assert.True(world.Entities.TryGetLabel("Q3", out label));
        Assert.Equal("A", label);
    }

    [Fact]
    public void Names_without_ids_and_catalog_kinds()
    {
        World world = World.FromNames(["New York", "Paris"], ["part_of"]);
        Assert.Equal(["New_York", "Paris"], world.Entities.Labels);
        Assert.Equal(["part of"], world.Relations.Labels);
        Assert.Equal([new WorldItem(null, "New_York"), new WorldItem(null, "Paris")], world.Entities.Items);
        Assert.Throws<ArgumentException>(() => new World(world.Relations, world.Relations));
    }

    [Fact]
    public void Ids_find_their_label_when_names_without_ids_are_mixed_in()
    {
        WorldCatalog catalog = WorldCatalog.Create(
            WorldItemKind.Entity,
            [new(null, "X"), new("Q1", "A"), new(null, "Y"), new("Q2", "B"), new("Q3", "A"), new(null, "Z")]);
        Assert.Equal(["X", "A", "Y", "B", "Z"], catalog.Labels);
        foreach ((string id, string label) in new[] { ("Q1", "A"), ("Q2", "B"), ("Q3", "A") })
        {
            Assert.True(catalog.TryGetLabel(id, out string? found));
            Assert.Equal(label, found);
        }

        Assert.False(catalog.TryGetLabel("Q4", out _));
        Assert.Equal(["Q1", "Q3"], catalog.GetIds("A"));
        Assert.Empty(catalog.GetIds("Y"));
    }

    [Fact]
    public void Many_names_survive_the_compact_table_growing()
    {
        string[] names = [.. Enumerable.Range(0, 20_000).Select(i => $"Name_{i}_ünïcødé_{i % 7}")];
        WorldCatalog catalog = WorldCatalog.Create(WorldItemKind.Entity, names.Select((n, i) => new WorldItem($"Q{i}", n)));
        Assert.Equal(names, catalog.Labels);
        for (int i = 0; i < names.Length; i += 997)
        {
            Assert.Equal([$"Q{i}"], catalog.GetIds(names[i]));
        }

        Assert.False(catalog.ContainsLabel("Name_20000_ünïcødé_1"));
    }
}

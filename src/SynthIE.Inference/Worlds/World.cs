namespace SynthIE.Inference.Worlds;

/// <summary>
/// A closed world for constrained extraction: the entities and relations the model may name, with their Wikidata ids.
/// Load SynthIE's files with <see cref="WorldLoader"/>, or build one in code with <see cref="Create"/> or
/// <see cref="FromNames"/>. Immutable and thread-safe.
/// </summary>
public sealed class World
{
    /// <summary>Creates a world from two catalogs.</summary>
    /// <param name="entities">An entity catalog.</param>
    /// <param name="relations">A relation catalog.</param>
    /// <exception cref="ArgumentException">A catalog has the wrong kind.</exception>
    public World(WorldCatalog entities, WorldCatalog relations)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(relations);
        if (entities.Kind != WorldItemKind.Entity)
        {
            throw new ArgumentException("The entity catalog holds relations.", nameof(entities));
        }

        if (relations.Kind != WorldItemKind.Relation)
        {
            throw new ArgumentException("The relation catalog holds entities.", nameof(relations));
        }

        Entities = entities;
        Relations = relations;
    }

    /// <summary>Gets the entities.</summary>
    public WorldCatalog Entities { get; }

    /// <summary>Gets the relations.</summary>
    public WorldCatalog Relations { get; }

    /// <summary>
    /// Builds a world from entries given in code. Labels are spelled the SynthIE way (see <see cref="WorldItemKind"/>);
    /// what is left out is counted in each catalog's <see cref="WorldCatalog.Report"/>.
    /// </summary>
    /// <param name="entities">Entity ids and labels.</param>
    /// <param name="relations">Relation ids and labels.</param>
    /// <returns>The world.</returns>
    public static World Create(IEnumerable<WorldItem> entities, IEnumerable<WorldItem> relations) =>
        new(WorldCatalog.Create(WorldItemKind.Entity, entities), WorldCatalog.Create(WorldItemKind.Relation, relations));

    /// <summary>Builds a world from plain names, without Wikidata ids.</summary>
    /// <param name="entityNames">Entity names.</param>
    /// <param name="relationNames">Relation names.</param>
    /// <returns>The world.</returns>
    public static World FromNames(IEnumerable<string> entityNames, IEnumerable<string> relationNames) =>
        new(WorldCatalog.FromNames(WorldItemKind.Entity, entityNames), WorldCatalog.FromNames(WorldItemKind.Relation, relationNames));

    /// <summary>
    /// Returns a world with only the given entity and relation ids (either may be <see langword="null"/> to keep all).
    /// Unknown ids are counted as <see cref="WorldIssueKind.MissingLabel"/> in the new catalogs' reports.
    /// </summary>
    /// <param name="entityIds">Entity ids to keep, or <see langword="null"/> for all.</param>
    /// <param name="relationIds">Relation ids to keep, or <see langword="null"/> for all.</param>
    /// <returns>The smaller world.</returns>
    public World Restrict(IEnumerable<string>? entityIds = null, IEnumerable<string>? relationIds = null) =>
        new(entityIds is null ? Entities : Entities.Restrict(entityIds), relationIds is null ? Relations : Relations.Restrict(relationIds));

    /// <summary>Returns a world with only the entries the filters accept (a <see langword="null"/> filter keeps all).</summary>
    /// <param name="keepEntity">Decides for each entity entry.</param>
    /// <param name="keepRelation">Decides for each relation entry.</param>
    /// <returns>The smaller world.</returns>
    public World Restrict(Func<WorldItem, bool>? keepEntity, Func<WorldItem, bool>? keepRelation) =>
        new(keepEntity is null ? Entities : Entities.Restrict(keepEntity), keepRelation is null ? Relations : Relations.Restrict(keepRelation));

    /// <summary>Returns the sizes, e.g. <c>"World(7349 entity names, 771 relation names)"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"World({Entities.LabelCount} entity names, {Relations.LabelCount} relation names)";
}

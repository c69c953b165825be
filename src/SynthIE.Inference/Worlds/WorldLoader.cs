namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads worlds and catalogs from files: SynthIE's own layout (<c>constrained_worlds/&lt;world&gt;/entities.json</c> and
/// <c>relations.json</c> with <c>id2name_mappings/entity_mapping.jsonl</c> and <c>relation_mapping.jsonl</c>), or simple
/// catalog files. Malformed content throws <see cref="WorldFileException"/> naming the file and line; a missing file
/// throws <see cref="FileNotFoundException"/>; entries that are left out are counted in <see cref="WorldCatalog.Report"/>.
/// </summary>
internal static class WorldLoader
{
    /// <summary>
    /// Loads a SynthIE constrained world from SynthIE's data folder:
    /// <c>&lt;dataDirectory&gt;/constrained_worlds/&lt;worldName&gt;/{entities,relations}.json</c> and
    /// <c>&lt;dataDirectory&gt;/id2name_mappings/{entity,relation}_mapping.jsonl</c>.
    /// </summary>
    /// <param name="dataDirectory">SynthIE's <c>data</c> folder.</param>
    /// <param name="worldName">The world, e.g. <c>genie</c> or <c>rebel</c>.</param>
    /// <returns>The world.</returns>
    public static World LoadSynthIE(string dataDirectory, string worldName)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(worldName);
        return LoadSynthIE(
            Path.Combine(dataDirectory, "constrained_worlds", worldName),
            Path.Combine(dataDirectory, "id2name_mappings", "entity_mapping.jsonl"),
            Path.Combine(dataDirectory, "id2name_mappings", "relation_mapping.jsonl"));
    }

    /// <summary>
    /// Loads a SynthIE constrained world: the id lists in <paramref name="worldDirectory"/> (<c>entities.json</c>,
    /// <c>relations.json</c>: JSON lists of ids) named through the mapping files (<c>{"id": …, "en_label": …}</c> per
    /// line). As in SynthIE, entity names get <c>_</c> for spaces, relation names spaces for <c>_</c>, ids without a
    /// name in the mapping are left out (counted as <see cref="WorldIssueKind.MissingLabel"/>), and an id named twice
    /// takes its last name (counted as <see cref="WorldIssueKind.ConflictingLabel"/>).
    /// </summary>
    /// <param name="worldDirectory">The folder with <c>entities.json</c> and <c>relations.json</c>.</param>
    /// <param name="entityMappingPath">The entity id→name mapping (JSON lines).</param>
    /// <param name="relationMappingPath">The relation id→name mapping (JSON lines).</param>
    /// <returns>The world.</returns>
    public static World LoadSynthIE(string worldDirectory, string entityMappingPath, string relationMappingPath)
    {
        ArgumentNullException.ThrowIfNull(worldDirectory);
        string entitiesPath = Path.Combine(worldDirectory, "entities.json");
        string relationsPath = Path.Combine(worldDirectory, "relations.json");
        RequireFile(entitiesPath, "the world's entity id list");
        RequireFile(relationsPath, "the world's relation id list");
        RequireFile(entityMappingPath, "the entity id→name mapping");
        RequireFile(relationMappingPath, "the relation id→name mapping");
        WorldCatalog entities = JsonLinesMappingReader.LoadFor(entitiesPath, entityMappingPath, WorldItemKind.Entity);
        WorldCatalog relations = JsonLinesMappingReader.LoadFor(relationsPath, relationMappingPath, WorldItemKind.Relation);
        return new World(entities, relations);
    }

    /// <summary>Loads a world from two catalog files (see <see cref="LoadCatalog"/> for the formats).</summary>
    /// <param name="entitiesPath">The entity catalog file.</param>
    /// <param name="relationsPath">The relation catalog file.</param>
    /// <returns>The world.</returns>
    public static World Load(string entitiesPath, string relationsPath) =>
        new(LoadCatalog(entitiesPath, WorldItemKind.Entity), LoadCatalog(relationsPath, WorldItemKind.Relation));

    /// <summary>
    /// Loads one catalog file, chosen by extension:
    /// <list type="bullet">
    /// <item><c>.jsonl</c>: one object a line with <c>"id"</c> and <c>"en_label"</c> (or <c>"label"</c>); other fields are ignored.</item>
    /// <item><c>.tsv</c>: <c>id&lt;TAB&gt;label</c> a line (further columns ignored; a first line <c>id&lt;TAB&gt;label</c> is a header).</item>
    /// <item><c>.json</c>: an object from id to label (or to a list whose first item is the label, like
    /// <c>pid2name.json</c>), or a list of plain names.</item>
    /// <item>anything else: one plain name a line.</item>
    /// </list>
    /// Blank lines are ignored. Labels are spelled the SynthIE way for <paramref name="kind"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">Entities or relations.</param>
    /// <returns>The catalog.</returns>
    public static WorldCatalog LoadCatalog(string path, WorldItemKind kind)
    {
        RequireFile(path, $"the {kind.ToString().ToLowerInvariant()} catalog");
        var builder = new WorldCatalogBuilder(kind);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".jsonl":
                JsonLinesMappingReader.AddTo(builder, path);
                break;
            case ".tsv":
                TsvCatalogReader.AddTo(builder, path);
                break;
            case ".json":
                JsonCatalogReader.AddTo(builder, path);
                break;
            default:
                PlainNameListReader.AddTo(builder, path);
                break;
        }

        return builder.Build();
    }

    private static void RequireFile(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Cannot load {what}: {Path.GetFullPath(path)} does not exist.", path);
        }
    }
}

using SynthIE.Inference.Constraints;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference;

/// <summary>
/// A closed world for constrained extraction: the entities and relations the model may name, with their Wikidata ids.
/// Load SynthIE's files with <see cref="Load(string)"/>, or build one in code with <see cref="Create"/> or
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

    /// <summary>Gets the full path of the folder <see cref="Load(string)"/> read, or <see langword="null"/> for a world built in code.</summary>
    public string? SourceDirectory { get; private init; }

    /// <summary>Gets the entities.</summary>
    public WorldCatalog Entities { get; }

    /// <summary>Gets the relations.</summary>
    public WorldCatalog Relations { get; }

    /// <summary>
    /// Loads a world from a folder: SynthIE's data layout (<c>constrained_worlds/&lt;name&gt;/</c> beside
    /// <c>id2name_mappings/</c>, with exactly one world), one world folder inside that layout, or a folder of simple files
    /// (<c>entities.{tsv,jsonl,txt}</c> and <c>relations.{tsv,jsonl,txt}</c>). Entries that cannot be used are left out
    /// and counted in each catalog's <see cref="WorldCatalog.Report"/>.
    /// </summary>
    /// <param name="path">The folder.</param>
    /// <returns>The world.</returns>
    /// <exception cref="WorldFileException">The folder is missing, is not a world folder, a file is malformed (the
    /// exception names the file and line), or the world has no entity or no relation names.</exception>
    public static World Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        World world = WorldLocator.Load(path);
        return new World(world.Entities, world.Relations) { SourceDirectory = Path.GetFullPath(path) };
    }

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

    /// <summary>
    /// Builds the token tries that constrained decoding reads for this world, and keeps them as cache files
    /// (<c>entities.trie</c>, <c>relations.trie</c>) where <see cref="SynthIEExtractor.Create"/> looks for them, so that
    /// the first extraction does not pay for the build. Cache files that are current are checked and kept.
    /// </summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="linearization">The model's linearization (its markers are checked against the tokenizer).</param>
    /// <param name="cacheDirectory">Where the files go; <see langword="null"/> for the place the extractor uses by
    /// default: <c>.synthie-cache</c> in this world's folder (<see cref="SourceDirectory"/>), or, with
    /// <paramref name="modelDirectory"/>, the model folder's <c>.synthie-cache</c> when the world lies outside it. A
    /// world built in code, or a default place reached through a symbolic link, gets tries in memory only
    /// (<see cref="TrieSummary.CacheFile"/> is then <see langword="null"/> and <see cref="TrieSummary.CacheNote"/> says why).</param>
    /// <param name="modelDirectory">The model folder whose <c>synthie.json</c> names this world, if it does.</param>
    /// <param name="rebuild">Whether to build the tries again even when the cache files are current.</param>
    /// <returns>The entity trie's summary, then the relation trie's.</returns>
    /// <exception cref="ModelLoadException">The tokenizer cannot write a marker of the linearization as its own tokens.</exception>
    public IReadOnlyList<TrieSummary> BuildTrieCache(
        T5Tokenizer tokenizer, Linearization linearization, string? cacheDirectory = null, string? modelDirectory = null, bool rebuild = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(linearization);
        string? note = null;
        string? cache = cacheDirectory is not null ? Path.GetFullPath(cacheDirectory)
            : SourceDirectory is null ? null
            : modelDirectory is not null ? TrieCacheLocation.ForManifestWorld(Path.GetFullPath(modelDirectory), SourceDirectory, out note)
            : TrieCacheLocation.ForNamedWorld(SourceDirectory, out note);
        if (cache is not null)
        {
            Directory.CreateDirectory(cache);
            if (rebuild)
            {
                foreach (string name in TrieCacheLocation.FileNames)
                {
                    File.Delete(Path.Combine(cache, name));
                }
            }
        }

        using SynthIEConstraint constraint = SynthIEConstraint.Create(this, tokenizer, linearization, new SynthIEConstraintOptions { CacheDirectory = cache });
        return [constraint.EntityTrie with { CacheNote = note }, constraint.RelationTrie with { CacheNote = note }];
    }

    /// <summary>Returns the sizes, e.g. <c>"World(7349 entity names, 771 relation names)"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"World({Entities.LabelCount} entity names, {Relations.LabelCount} relation names)";
}

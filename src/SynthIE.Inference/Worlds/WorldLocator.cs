namespace SynthIE.Inference.Worlds;

/// <summary>
/// Loads a world from a folder, recognising SynthIE's data layout (<c>constrained_worlds/&lt;name&gt;/</c> beside
/// <c>id2name_mappings/</c>), one world folder inside that layout, or a folder of simple files
/// (<c>entities.{tsv,jsonl,txt}</c> and <c>relations.{tsv,jsonl,txt}</c>).
/// </summary>
internal static class WorldLocator
{
    private static readonly string[] SimpleExtensions = [".tsv", ".jsonl", ".txt"];

    public static World Load(string path)
    {
        string directory = Path.GetFullPath(path);
        if (!Directory.Exists(directory))
        {
            throw new WorldFileException($"World folder not found: {directory}.");
        }

        string worlds = Path.Combine(directory, "constrained_worlds");
        if (Directory.Exists(worlds) && Directory.Exists(Path.Combine(directory, "id2name_mappings")))
        {
            string[] names = [.. Directory.EnumerateDirectories(worlds).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
            return names.Length switch
            {
                1 => RequireNames(WorldLoader.LoadSynthIE(directory, names[0]), Path.Combine(worlds, names[0])),
                0 => throw new WorldFileException($"{worlds} holds no world folder."),
                _ => throw new WorldFileException(
                    $"{worlds} holds several worlds ({string.Join(", ", names)}); name one: {Path.Combine(worlds, names[0])}."),
            };
        }

        DirectoryInfo? parent = Directory.GetParent(directory);
        if (parent is { Name: "constrained_worlds" } && parent.Parent is not null && File.Exists(Path.Combine(directory, "entities.json")))
        {
            return RequireNames(WorldLoader.LoadSynthIE(parent.Parent.FullName, Path.GetFileName(directory)), directory);
        }

        string? entities = FindSimple(directory, "entities");
        string? relations = FindSimple(directory, "relations");
        if (entities is not null && relations is not null)
        {
            return RequireNames(WorldLoader.Load(entities, relations), directory);
        }

        throw new WorldFileException(
            $"{directory} is not a world folder: expected SynthIE's layout (constrained_worlds/<name>/entities.json and relations.json " +
            "beside id2name_mappings/entity_mapping.jsonl and relation_mapping.jsonl), or entities and relations files " +
            "(entities.tsv|jsonl|txt and relations.tsv|jsonl|txt).");
    }

    /// <summary>A world without entities or relations gives only empty extractions: that is an error, not a result.</summary>
    private static World RequireNames(World world, string directory)
    {
        foreach ((WorldCatalog catalog, string what) in new[] { (world.Entities, "entity"), (world.Relations, "relation") })
        {
            if (catalog.LabelCount == 0)
            {
                string skipped = catalog.Report.TotalSkipped == 0 ? string.Empty : $" ({catalog.Report.TotalSkipped} entries were left out: {catalog.Report})";
                throw new WorldFileException(directory, 0, $"the world has no {what} names{skipped}; constrained extraction needs at least one entity and one relation.");
            }
        }

        return world;
    }

    private static string? FindSimple(string directory, string stem)
        => SimpleExtensions.Select(extension => Path.Combine(directory, stem + extension)).FirstOrDefault(File.Exists);
}

namespace SynthIE.Inference.Constraints;

/// <summary>
/// Chooses where a model's world keeps its trie cache when no cache folder is named, so that loading a model folder
/// never writes outside it: a world inside the model folder caches in its own <c>.synthie-cache</c>; a world the manifest
/// places outside (an absolute or <c>../</c> path), or reaches through a symbolic link, caches in the model folder's
/// <c>.synthie-cache</c>. Cache files are never written through a symbolic link: when the only candidate folder is (or
/// lies under) one, the tries are kept in memory and the reason is returned.
/// </summary>
internal static class TrieCacheLocation
{
    /// <summary>The cache folder's name.</summary>
    public const string FolderName = ".synthie-cache";

    /// <summary>The cache files' names: the entity trie's, then the relation trie's.</summary>
    public static readonly string[] FileNames = [EntityFileName, RelationFileName];

    /// <summary>The entity trie's cache file name.</summary>
    public const string EntityFileName = "entities.trie";

    /// <summary>The relation trie's cache file name.</summary>
    public const string RelationFileName = "relations.trie";

    /// <summary>Chooses the cache folder for a world named by the model's manifest.</summary>
    /// <param name="modelDirectory">The model folder (full path).</param>
    /// <param name="worldDirectory">The world folder (full path).</param>
    /// <param name="note">Why the cache is not in the world folder, or <see langword="null"/>.</param>
    /// <returns>The cache folder, or <see langword="null"/> to build the tries in memory.</returns>
    public static string? ForManifestWorld(string modelDirectory, string worldDirectory, out string? note)
    {
        note = null;
        string inWorld = Path.Combine(worldDirectory, FolderName);
        string? link = null;
        if (IsInside(worldDirectory, modelDirectory))
        {
            link = FirstLink(modelDirectory, inWorld);
            if (link is null)
            {
                return inWorld;
            }
        }

        string inModel = Path.Combine(modelDirectory, FolderName);
        string? modelLink = FirstLink(modelDirectory, inModel);
        if (modelLink is not null)
        {
            note = $"{modelLink} is a symbolic link, and trie cache files are not written through links: the tries are built in memory (name a cache folder to keep them)";
            return null;
        }

        note = link is not null
            ? $"{link} is a symbolic link, and trie cache files are not written through links: the world's trie cache is kept in {inModel}"
            : $"the world {worldDirectory} is outside the model folder: its trie cache is kept in {inModel}";
        return inModel;
    }

    /// <summary>Chooses the cache folder for a world folder the caller named: its own <c>.synthie-cache</c>, unless that is a link.</summary>
    /// <param name="worldDirectory">The world folder (full path).</param>
    /// <param name="note">Why no cache is used, or <see langword="null"/>.</param>
    /// <returns>The cache folder, or <see langword="null"/> to build the tries in memory.</returns>
    public static string? ForNamedWorld(string worldDirectory, out string? note)
    {
        string cache = Path.Combine(worldDirectory, FolderName);
        string? link = FirstLink(worldDirectory, cache);
        note = link is null ? null : $"{link} is a symbolic link, and trie cache files are not written through links: the tries are built in memory (name a cache folder to keep them)";
        return link is null ? cache : null;
    }

    private static bool IsInside(string path, string directory)
    {
        string relative = Path.GetRelativePath(directory, path);
        return !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>Returns the first existing path component below <paramref name="root"/> on the way to <paramref name="path"/> that is a symbolic link.</summary>
    private static string? FirstLink(string root, string path)
    {
        string current = root;
        foreach (string part in Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                return current;
            }

            if (!info.Exists && !Directory.Exists(current))
            {
                return null;
            }
        }

        return null;
    }
}

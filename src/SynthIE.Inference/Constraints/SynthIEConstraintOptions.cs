namespace SynthIE.Inference.Constraints;

/// <summary>How a <see cref="SynthIEConstraint"/> builds or loads its tries.</summary>
internal sealed record SynthIEConstraintOptions
{
    /// <summary>
    /// Gets the folder for the trie cache files (<c>entities.trie</c>, <c>relations.trie</c>), or
    /// <see langword="null"/> to build the tries in memory every time. A cache file is memory-mapped when it was
    /// built from the same names with the same tokenizer, and rebuilt (and replaced) otherwise. Use one folder per world.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Gets whether to verify a cache file's payload checksum when opening it (reads the whole file once). Default: true.</summary>
    public bool VerifyCacheChecksum { get; init; } = true;
}

namespace SynthIE.Inference;

/// <summary>What one of the constraint's tries (entity names or relation names) was built from, and where it came from.</summary>
/// <param name="Names">Names given (after the world's own checks).</param>
/// <param name="SkippedNames">Names left out because the tokenizer gives no ids for them (for example only whitespace or
/// control characters), gives the unknown id <c>&lt;unk&gt;</c> (characters outside its vocabulary, such as CJK or
/// emoji for T5), or gives ids that decode to other text; <see cref="SkippedByReason"/> splits them.</param>
/// <param name="SkippedExamples">Up to 20 of the names left out (empty when the trie came from the cache file).</param>
/// <param name="Nodes">Trie nodes.</param>
/// <param name="CacheFile">The cache file, or <see langword="null"/> when the trie was built in memory only.</param>
/// <param name="LoadedFromCache">Whether the cache file was used as it was (no build).</param>
/// <param name="RebuildReason">Why the cache file was (re)built, or <see langword="null"/>.</param>
public sealed record TrieSummary(
    int Names,
    int SkippedNames,
    IReadOnlyList<string> SkippedExamples,
    int Nodes,
    string? CacheFile,
    bool LoadedFromCache,
    string? RebuildReason)
{
    /// <summary>Gets whether these are the entity names or the relation names.</summary>
    public WorldItemKind Kind { get; init; }

    /// <summary>
    /// Gets why the cache is not where it would normally be, or why there is none (for example a symbolic link on the way,
    /// through which cache files are never written); <see langword="null"/> when nothing needs saying.
    /// </summary>
    public string? CacheNote { get; init; }

    /// <summary>Gets how many of <see cref="SkippedNames"/> hold characters the tokenizer cannot encode (their ids contain <c>&lt;unk&gt;</c>).</summary>
    public int SkippedUnknownTokens { get; init; }

    /// <summary>Gets how many of <see cref="SkippedNames"/> the tokenizer does not give back unchanged (encode, then decode).</summary>
    public int SkippedChangedByTokenizer { get; init; }

    /// <summary>
    /// Gets the names left out, by reason: <see cref="WorldIssueKind.TokenizesToNothing"/> and
    /// <see cref="WorldIssueKind.UnknownToken"/> and <see cref="WorldIssueKind.ChangedByTokenizer"/> (reasons with none are absent).
    /// </summary>
    public IReadOnlyDictionary<WorldIssueKind, int> SkippedByReason
    {
        get
        {
            var counts = new Dictionary<WorldIssueKind, int>();
            int empty = SkippedNames - SkippedUnknownTokens - SkippedChangedByTokenizer;
            if (empty > 0)
            {
                counts[WorldIssueKind.TokenizesToNothing] = empty;
            }

            if (SkippedChangedByTokenizer > 0)
            {
                counts[WorldIssueKind.ChangedByTokenizer] = SkippedChangedByTokenizer;
            }

            if (SkippedUnknownTokens > 0)
            {
                counts[WorldIssueKind.UnknownToken] = SkippedUnknownTokens;
            }

            return counts;
        }
    }
}

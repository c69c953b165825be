using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// Makes a <see cref="SynthIEConstraint"/>: encodes the markers, builds the entity and relation tries from the world's
/// names (or maps them from the cache folder when the cache files are current), summarizes what each trie holds and
/// what was left out, and checks that a constrained search can write at least one name of each kind.
/// </summary>
internal static class SynthIEConstraintBuilder
{
    /// <summary>
    /// Builds (or loads from the cache folder) both tries and the constraint. <paramref name="skipEmptyNames"/> leaves
    /// out names that give no ids (worlds); without it such a name makes the empty name valid, as in SynthIE.
    /// </summary>
    public static SynthIEConstraint Build(
        NameSource entityNames,
        NameSource relationNames,
        ITokenSequenceEncoder encoder,
        Linearization linearization,
        SynthIEConstraintOptions? options,
        bool skipEmptyNames,
        int decoderStartId = 0)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(linearization);
        options ??= new SynthIEConstraintOptions();
        int[][] markerIds = [.. linearization.Markers.Select(marker => encoder.EncodeWithoutEnd(marker))];
        foreach ((string marker, int[] ids) in linearization.Markers.Zip(markerIds))
        {
            if (ids.Length == 0)
            {
                throw new ArgumentException($"The tokenizer gives no ids for the marker '{marker}'.", nameof(encoder));
            }
        }

        (TokenTrie entities, TrieSummary entitySummary) = MakeTrie(
            entityNames, TrieCacheLocation.EntityFileName, encoder, SynthIEConstraint.ContinuationIdsFor(linearization, markerIds, relationTrie: false), options, skipEmptyNames);
        try
        {
            if (skipEmptyNames)
            {
                RequireNames(entities, entitySummary, "entity");
            }

            (TokenTrie relations, TrieSummary relationSummary) = MakeTrie(
                relationNames, TrieCacheLocation.RelationFileName, encoder, SynthIEConstraint.ContinuationIdsFor(linearization, markerIds, relationTrie: true), options, skipEmptyNames);
            try
            {
                if (skipEmptyNames)
                {
                    RequireNames(relations, relationSummary, "relation");
                }

                return SynthIEConstraint.FromTries(entities, relations, linearization, markerIds, encoder.EndOfSequenceId, decoderStartId, entitySummary, relationSummary);
            }
            catch
            {
                relations.Dispose();
                throw;
            }
        }
        catch
        {
            entities.Dispose();
            throw;
        }
    }

    private static (TokenTrie Trie, TrieSummary Summary) MakeTrie(
        NameSource names,
        string fileName,
        ITokenSequenceEncoder encoder,
        int[] continuationIds,
        SynthIEConstraintOptions options,
        bool skipEmpty)
    {
        var skipped = new List<string>();
        TokenTrieData Build()
        {
            TokenTrieData data = TokenTrieBuilder.Build(names.Names, encoder, continuationIds, skipEmpty, out _, skipped);
            return data;
        }

        if (options.CacheDirectory is null)
        {
            TokenTrie built = TokenTrie.FromData(Build());
            return (built, Summarize(built, skipped, cacheFile: null, loadedFromCache: false, rebuildReason: null));
        }

        string path = Path.Combine(options.CacheDirectory, fileName);
        byte[] key = TokenTrieFile.ComputeKey(encoder.Fingerprint, names.Fingerprint, continuationIds, skipEmpty);
        TokenTrie trie = TokenTrieFile.OpenOrBuild(path, key, options.VerifyCacheChecksum, Build, out string reason);
        return (trie, Summarize(trie, skipped, path, loadedFromCache: reason.Length == 0, rebuildReason: reason.Length == 0 ? null : reason));
    }

    private static TrieSummary Summarize(TokenTrie trie, List<string> skipped, string? cacheFile, bool loadedFromCache, string? rebuildReason) =>
        new(
            trie.SequenceCount + trie.SkippedCount,
            trie.SkippedCount,
            [.. skipped.Take(20)],
            trie.NodeCount,
            cacheFile,
            loadedFromCache,
            rebuildReason)
        {
            SkippedUnknownTokens = trie.SkippedUnknownCount,
            SkippedChangedByTokenizer = trie.SkippedChangedCount,
        };

    /// <summary>Throws when a world's trie holds no name: constrained decoding could then only write empty names.</summary>
    private static void RequireNames(TokenTrie trie, TrieSummary summary, string what)
    {
        if (trie.SequenceCount > 0)
        {
            return;
        }

        string reasons = summary.SkippedNames == 0
            ? "it has none"
            : $"all {summary.SkippedNames} were left out ({string.Join(", ", summary.SkippedByReason.Select(pair => $"{pair.Value} {pair.Key}"))}" +
              (summary.SkippedExamples.Count > 0 ? $"; e.g. {string.Join(", ", summary.SkippedExamples.Take(3).Select(name => DisplayText.Quote(name, 60)))})" : ")");
        throw new WorldFileException($"The world has no {what} name the tokenizer can encode: {reasons}. Constrained decoding needs at least one entity and one relation name.");
    }
}

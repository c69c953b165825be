using System.Diagnostics.CodeAnalysis;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference;

/// <summary>
/// The entities or the relations of a <see cref="World"/>: distinct names in SynthIE's spelling (entities with
/// <c>_</c> for spaces, relations with spaces), each with every Wikidata id that has it. Stored compactly (UTF-8 in one
/// array, an int per id and name for the links) so that SynthIE's 2.6 million entities take tens of bytes each rather than the hundreds
/// .NET strings and dictionaries would. Immutable and thread-safe.
/// </summary>
public sealed class WorldCatalog
{
    private readonly Utf8StringTable _labels;
    private readonly Utf8StringTable _ids;
    private readonly int[] _idLabel;
    private readonly int[] _labelIdStart;
    private readonly int[] _labelIdList;

    /// <summary>
    /// Creates the catalog over filled tables. <paramref name="idLabel"/> gives, for each id of <paramref name="ids"/>,
    /// its label index, or -1 when the id is not part of the catalog (it is then treated as unknown).
    /// </summary>
    internal WorldCatalog(WorldItemKind kind, Utf8StringTable labels, Utf8StringTable ids, int[] idLabel, WorldCatalogReport report)
    {
        Kind = kind;
        _labels = labels;
        _ids = ids;
        _idLabel = idLabel;
        Report = report;

        // Label → ids as compressed rows: ids of label L are _labelIdList[_labelIdStart[L] .. _labelIdStart[L + 1]).
        _labelIdStart = new int[labels.Count + 1];
        int kept = 0;
        for (int id = 0; id < ids.Count; id++)
        {
            if (idLabel[id] >= 0)
            {
                _labelIdStart[idLabel[id] + 1]++;
                kept++;
            }
        }

        for (int i = 0; i < labels.Count; i++)
        {
            _labelIdStart[i + 1] += _labelIdStart[i];
        }

        _labelIdList = new int[kept];
        int[] fill = _labelIdStart[..^1];
        for (int id = 0; id < ids.Count; id++)
        {
            if (idLabel[id] >= 0)
            {
                _labelIdList[fill[idLabel[id]]++] = id;
            }
        }

        IdCount = kept;
        var fingerprint = default(NameSetFingerprint);
        for (int i = 0; i < labels.Count; i++)
        {
            fingerprint.AddUtf8(labels.GetUtf8(i));
        }

        LabelSetFingerprint = fingerprint;
    }

    /// <summary>Gets whether this catalog holds entities or relations.</summary>
    public WorldItemKind Kind { get; }

    /// <summary>Gets the number of distinct names.</summary>
    public int LabelCount => _labels.Count;

    /// <summary>Gets the number of distinct ids (0 for a catalog made from plain names).</summary>
    public int IdCount { get; }

    /// <summary>Gets the distinct names, in the order they were first given.</summary>
    public IEnumerable<string> Labels
    {
        get
        {
            for (int i = 0; i < _labels.Count; i++)
            {
                yield return _labels[i];
            }
        }
    }

    /// <summary>
    /// Gets the entries, name by name in the order the names were first given: each (id, name) pair (ids in the order
    /// they were given), or (<see langword="null"/>, name) for a name without ids.
    /// </summary>
    public IEnumerable<WorldItem> Items
    {
        get
        {
            for (int label = 0; label < _labels.Count; label++)
            {
                string name = _labels[label];
                if (_labelIdStart[label] == _labelIdStart[label + 1])
                {
                    yield return new WorldItem(null, name);
                }

                for (int row = _labelIdStart[label]; row < _labelIdStart[label + 1]; row++)
                {
                    yield return new WorldItem(_ids[_labelIdList[row]], name);
                }
            }
        }
    }

    /// <summary>Gets what was left out while this catalog was built.</summary>
    public WorldCatalogReport Report { get; }

    internal NameSetFingerprint LabelSetFingerprint { get; }

    /// <summary>Returns whether <paramref name="label"/> (in SynthIE's spelling) is in the catalog.</summary>
    /// <param name="label">The name.</param>
    /// <returns>Whether it is known.</returns>
    public bool ContainsLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return _labels.IndexOf(label) >= 0;
    }

    /// <summary>Returns every id whose name is <paramref name="label"/>, in the order they were given; empty when none.</summary>
    /// <param name="label">The name, in SynthIE's spelling.</param>
    /// <returns>The ids.</returns>
    public IReadOnlyList<string> GetIds(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        int index = _labels.IndexOf(label);
        if (index < 0 || _labelIdStart[index] == _labelIdStart[index + 1])
        {
            return [];
        }

        string[] ids = new string[_labelIdStart[index + 1] - _labelIdStart[index]];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = _ids[_labelIdList[_labelIdStart[index] + i]];
        }

        return ids;
    }

    /// <summary>Returns whether <paramref name="id"/> is in the catalog.</summary>
    /// <param name="id">The Wikidata id.</param>
    /// <returns>Whether it is known.</returns>
    public bool ContainsId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        int index = _ids.IndexOf(id);
        return index >= 0 && _idLabel[index] >= 0;
    }

    /// <summary>Gets the name of <paramref name="id"/>.</summary>
    /// <param name="id">The Wikidata id.</param>
    /// <param name="label">The name when found.</param>
    /// <returns>Whether the id is known.</returns>
    public bool TryGetLabel(string id, [NotNullWhen(true)] out string? label)
    {
        ArgumentNullException.ThrowIfNull(id);
        int index = _ids.IndexOf(id);
        label = index < 0 || _idLabel[index] < 0 ? null : _labels[_idLabel[index]];
        return label is not null;
    }

    /// <summary>
    /// Builds a catalog from entries given in code. Labels are spelled the SynthIE way for <paramref name="kind"/>;
    /// empty labels, labels with marker text and repeated entries are left out and counted in <see cref="Report"/>.
    /// </summary>
    /// <param name="kind">Entities or relations.</param>
    /// <param name="items">The entries; an entry with a <see langword="null"/> id is a plain name.</param>
    /// <returns>The catalog.</returns>
    public static WorldCatalog Create(WorldItemKind kind, IEnumerable<WorldItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new WorldCatalogBuilder(kind, items is ICollection<WorldItem> collection ? collection.Count : 1024);
        foreach (WorldItem item in items)
        {
            if (item.Label is null)
            {
                throw new ArgumentException($"An entry with id '{item.Id}' has a null label.", nameof(items));
            }

            if (item.Id is null)
            {
                builder.AddName(item.Label);
            }
            else
            {
                builder.Add(item.Id, item.Label);
            }
        }

        return builder.Build();
    }

    /// <summary>Builds a catalog of plain names (no ids), spelled and checked as in <see cref="Create"/>.</summary>
    /// <param name="kind">Entities or relations.</param>
    /// <param name="names">The names.</param>
    /// <returns>The catalog.</returns>
    public static WorldCatalog FromNames(WorldItemKind kind, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Create(kind, names.Select(name => new WorldItem(null, name ?? throw new ArgumentException("A name is null.", nameof(names)))));
    }

    /// <summary>
    /// Returns a catalog with only the entries whose id is in <paramref name="ids"/> (SynthIE's constrained worlds).
    /// Ids not in this catalog are counted as <see cref="WorldIssueKind.MissingLabel"/> in the new catalog's report.
    /// </summary>
    /// <param name="ids">The ids to keep.</param>
    /// <returns>The smaller catalog.</returns>
    public WorldCatalog Restrict(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var builder = new WorldCatalogBuilder(Kind);
        foreach (string id in ids)
        {
            if (id is null)
            {
                throw new ArgumentException("An id to keep is null.", nameof(ids));
            }

            int index = _ids.IndexOf(id);
            if (index < 0 || _idLabel[index] < 0)
            {
                builder.Skip(WorldIssueKind.MissingLabel, null, 0, id, null);
                continue;
            }

            builder.Add(id, _labels[_idLabel[index]], normalize: false);
        }

        return builder.Build();
    }

    /// <summary>Returns a catalog with only the entries <paramref name="keep"/> accepts.</summary>
    /// <param name="keep">Decides for each entry of <see cref="Items"/>.</param>
    /// <returns>The smaller catalog.</returns>
    public WorldCatalog Restrict(Func<WorldItem, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var builder = new WorldCatalogBuilder(Kind);
        foreach (WorldItem item in Items)
        {
            if (!keep(item))
            {
                continue;
            }

            if (item.Id is null)
            {
                builder.AddName(item.Label, normalize: false);
            }
            else
            {
                builder.Add(item.Id, item.Label, normalize: false);
            }
        }

        return builder.Build();
    }
}

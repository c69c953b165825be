using System.Collections.ObjectModel;
using SynthIE.Inference.Linearization;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Fills a <see cref="WorldCatalog"/> entry by entry: spells labels the SynthIE way for the catalog's kind, skips
/// (and counts) empty labels, labels with marker text, repeated entries and ids given again with another label.
/// </summary>
internal sealed class WorldCatalogBuilder
{
    private static readonly string[] MarkerTexts = ["[s]", "[r]", "[o]", "[e]", "[et]"];

    private readonly Utf8StringTable _labels;
    private readonly Utf8StringTable _ids;
    private readonly Dictionary<WorldIssueKind, int> _skipped = [];
    private readonly List<WorldIssue> _examples = [];
    private int[] _idLabel;
    private byte[] _labelFlags;

    public WorldCatalogBuilder(WorldItemKind kind, int capacity = 1024)
    {
        Kind = kind;
        _labels = new Utf8StringTable(capacity);
        _ids = new Utf8StringTable(capacity);
        _idLabel = new int[Math.Max(capacity, 16)];
        _labelFlags = new byte[Math.Max(capacity, 16)];
    }

    /// <summary>Flag: the label was added as a plain name (without id).</summary>
    private const byte PlainName = 1;

    public WorldItemKind Kind { get; }

    /// <summary>Spells a label for <paramref name="kind"/>.</summary>
    public static string Normalize(WorldItemKind kind, string label) => kind == WorldItemKind.Entity
        ? Linearization.Linearization.NormalizeEntityName(label)
        : Linearization.Linearization.NormalizeRelationName(label);

    /// <summary>Returns whether <paramref name="label"/> contains marker text.</summary>
    public static bool ContainsMarker(string label)
    {
        foreach (string marker in MarkerTexts)
        {
            if (label.Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds an entry; returns whether it was kept.</summary>
    public bool Add(string? id, string rawLabel, string? filePath = null, long lineNumber = 0, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(rawLabel);
        string label = normalize ? Normalize(Kind, rawLabel) : rawLabel;
        if (PythonText.IsBlank(label))
        {
            return Skip(WorldIssueKind.EmptyLabel, filePath, lineNumber, id, rawLabel);
        }

        if (ContainsMarker(label))
        {
            return Skip(WorldIssueKind.LabelContainsMarker, filePath, lineNumber, id, label);
        }

        if (id is null)
        {
            int plainIndex = _labels.Add(label, out _);
            EnsureLabelCapacity(plainIndex);
            if ((_labelFlags[plainIndex] & PlainName) != 0)
            {
                return Skip(WorldIssueKind.DuplicateEntry, filePath, lineNumber, null, label);
            }

            _labelFlags[plainIndex] |= PlainName;
            return true;
        }

        int idIndex = _ids.IndexOf(id);
        if (idIndex >= 0)
        {
            int labelIndex = _labels.IndexOf(label);
            return Skip(
                labelIndex == _idLabel[idIndex] ? WorldIssueKind.DuplicateEntry : WorldIssueKind.ConflictingLabel,
                filePath,
                lineNumber,
                id,
                label);
        }

        int labelPosition = _labels.Add(label, out _);
        EnsureLabelCapacity(labelPosition);
        idIndex = _ids.Add(id, out _);
        if (idIndex >= _idLabel.Length)
        {
            Array.Resize(ref _idLabel, Math.Max(_idLabel.Length * 2, idIndex + 1));
        }

        _idLabel[idIndex] = labelPosition;
        return true;
    }

    /// <summary>Counts an entry left out for a reason found outside the builder.</summary>
    public bool Skip(WorldIssueKind kind, string? filePath, long lineNumber, string? id, string? label)
    {
        _skipped[kind] = _skipped.GetValueOrDefault(kind) + 1;
        if (_examples.Count < WorldCatalogReport.MaxExamples)
        {
            _examples.Add(new WorldIssue(kind, filePath, lineNumber, id, label));
        }

        return false;
    }

    public WorldCatalog Build()
    {
        _labels.TrimExcess();
        _ids.TrimExcess();
        Array.Resize(ref _idLabel, _ids.Count);
        var report = _skipped.Count == 0 && _examples.Count == 0
            ? WorldCatalogReport.Empty
            : new WorldCatalogReport(
                new ReadOnlyDictionary<WorldIssueKind, int>(new Dictionary<WorldIssueKind, int>(_skipped)),
                _examples.ToArray());
        return new WorldCatalog(Kind, _labels, _ids, _idLabel, report);
    }

    private void EnsureLabelCapacity(int labelIndex)
    {
        if (labelIndex >= _labelFlags.Length)
        {
            Array.Resize(ref _labelFlags, Math.Max(_labelFlags.Length * 2, labelIndex + 1));
        }
    }
}

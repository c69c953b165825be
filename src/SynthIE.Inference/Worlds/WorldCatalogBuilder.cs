using System.Buffers;
using System.Collections.ObjectModel;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Fills a <see cref="WorldCatalog"/> entry by entry without a string per entry: spells labels the SynthIE way for
/// the catalog's kind, and skips (and counts) empty labels, labels with marker text, repeated entries and ids given
/// again with another label (the first label is kept).
/// </summary>
internal sealed class WorldCatalogBuilder
{
    private static readonly string[] MarkerTexts = ["[s]", "[r]", "[o]", "[e]", "[et]"];

    private readonly Utf8StringTable _labels;
    private readonly Utf8StringTable _ids;
    private readonly Dictionary<WorldIssueKind, int> _skipped = [];
    private readonly List<WorldIssue> _examples = [];
    private int[] _idLabel;
    private byte[] _plainName;

    public WorldCatalogBuilder(WorldItemKind kind, int capacity = 1024)
    {
        Kind = kind;
        capacity = Math.Max(capacity, 16);
        _labels = new Utf8StringTable(capacity);
        _ids = new Utf8StringTable(capacity);
        _idLabel = new int[capacity];
        _plainName = new byte[capacity];
    }

    public WorldItemKind Kind { get; }

    /// <summary>Spells a label for <paramref name="kind"/>.</summary>
    public static string Normalize(WorldItemKind kind, string label) => kind == WorldItemKind.Entity
        ? Linearization.NormalizeEntityName(label)
        : Linearization.NormalizeRelationName(label);

    /// <summary>Returns whether <paramref name="label"/> contains marker text.</summary>
    public static bool ContainsMarker(ReadOnlySpan<char> label)
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

    /// <summary>Adds an entry with an id; returns whether it was kept.</summary>
    public bool Add(ReadOnlySpan<char> id, ReadOnlySpan<char> rawLabel, string? filePath = null, long lineNumber = 0, bool normalize = true) =>
        Add(id, hasId: true, rawLabel, filePath, lineNumber, normalize);

    /// <summary>Adds a plain name (no id); returns whether it was kept.</summary>
    public bool AddName(ReadOnlySpan<char> rawLabel, string? filePath = null, long lineNumber = 0, bool normalize = true) =>
        Add(default, hasId: false, rawLabel, filePath, lineNumber, normalize);

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

    /// <summary>Builds a catalog from tables filled elsewhere, with this builder's counts as its report.</summary>
    public WorldCatalog BuildFrom(Utf8StringTable labels, Utf8StringTable ids, int[] idLabel) =>
        new(Kind, labels, ids, idLabel, Report());

    public WorldCatalog Build()
    {
        _labels.TrimExcess();
        _ids.TrimExcess();
        Array.Resize(ref _idLabel, _ids.Count);
        return new WorldCatalog(Kind, _labels, _ids, _idLabel, Report());
    }

    private WorldCatalogReport Report() => _skipped.Count == 0
        ? WorldCatalogReport.Empty
        : new WorldCatalogReport(
            new ReadOnlyDictionary<WorldIssueKind, int>(new Dictionary<WorldIssueKind, int>(_skipped)),
            _examples.ToArray());

    private bool Add(ReadOnlySpan<char> id, bool hasId, ReadOnlySpan<char> rawLabel, string? filePath, long lineNumber, bool normalize)
    {
        char[]? rented = null;
        Span<char> buffer = rawLabel.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(rawLabel.Length));
        try
        {
            ReadOnlySpan<char> label = normalize ? Normalize(Kind, rawLabel, buffer) : rawLabel;
            if (label.IsEmpty || PythonText.IsBlank(label))
            {
                return Skip(WorldIssueKind.EmptyLabel, filePath, lineNumber, hasId ? id.ToString() : null, rawLabel.ToString());
            }

            if (ContainsMarker(label))
            {
                return Skip(WorldIssueKind.LabelContainsMarker, filePath, lineNumber, hasId ? id.ToString() : null, label.ToString());
            }

            if (!hasId)
            {
                int plainIndex = _labels.Add(label, out _);
                EnsureLabelCapacity(plainIndex);
                if (_plainName[plainIndex] != 0)
                {
                    return Skip(WorldIssueKind.DuplicateEntry, filePath, lineNumber, null, label.ToString());
                }

                _plainName[plainIndex] = 1;
                return true;
            }

            int idIndex = _ids.IndexOf(id);
            if (idIndex >= 0)
            {
                return Skip(
                    _labels.IndexOf(label) == _idLabel[idIndex] ? WorldIssueKind.DuplicateEntry : WorldIssueKind.ConflictingLabel,
                    filePath,
                    lineNumber,
                    id.ToString(),
                    label.ToString());
            }

            int labelIndex = _labels.Add(label, out _);
            EnsureLabelCapacity(labelIndex);
            idIndex = _ids.Add(id, out _);
            if (idIndex >= _idLabel.Length)
            {
                Array.Resize(ref _idLabel, Math.Max(_idLabel.Length * 2, idIndex + 1));
            }

            _idLabel[idIndex] = labelIndex;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>SynthIE's spelling into <paramref name="buffer"/>: Python strip, then spaces ↔ underscores.</summary>
    public static ReadOnlySpan<char> Normalize(WorldItemKind kind, ReadOnlySpan<char> raw, Span<char> buffer)
    {
        ReadOnlySpan<char> stripped = PythonText.Strip(raw);
        Span<char> result = buffer[..stripped.Length];
        if (kind == WorldItemKind.Entity)
        {
            stripped.Replace(result, ' ', '_');
        }
        else
        {
            stripped.Replace(result, '_', ' ');
        }

        return result;
    }

    private void EnsureLabelCapacity(int labelIndex)
    {
        if (labelIndex >= _plainName.Length)
        {
            Array.Resize(ref _plainName, Math.Max(_plainName.Length * 2, labelIndex + 1));
        }
    }
}

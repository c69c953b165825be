using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Constraints;

/// <summary>Names for a trie, with the order-independent fingerprint that keys its cache file (computed on demand).</summary>
internal sealed class NameSource
{
    private readonly Lazy<NameSetFingerprint> _fingerprint;

    private NameSource(IEnumerable<string> names, Func<NameSetFingerprint> fingerprint)
    {
        Names = names;
        _fingerprint = new Lazy<NameSetFingerprint>(fingerprint);
    }

    public IEnumerable<string> Names { get; }

    public NameSetFingerprint Fingerprint => _fingerprint.Value;

    /// <summary>The distinct labels of a catalog (fingerprint already computed by the catalog).</summary>
    public static NameSource FromCatalog(WorldCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NameSource(catalog.Labels, () => catalog.LabelSetFingerprint);
    }

    /// <summary>Names exactly as given; enumerated once more for the fingerprint when a cache is used.</summary>
    public static NameSource FromNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        IReadOnlyCollection<string> list = names as IReadOnlyCollection<string> ?? [.. names];
        return new NameSource(list, () =>
        {
            var fingerprint = default(NameSetFingerprint);
            foreach (string name in list)
            {
                fingerprint.Add(name ?? throw new ArgumentException("A name is null.", nameof(names)));
            }

            return fingerprint;
        });
    }
}

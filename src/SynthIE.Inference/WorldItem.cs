namespace SynthIE.Inference;

/// <summary>One entry of a world catalog: a Wikidata id (or none, for plain name lists) and its name.</summary>
/// <param name="Id">The Wikidata id (<c>Q…</c> for entities, <c>P…</c> for relations), or <see langword="null"/> when unknown.</param>
/// <param name="Label">The name. Catalogs store it in SynthIE's spelling (see <see cref="WorldCatalog"/>).</param>
public readonly record struct WorldItem(string? Id, string Label);

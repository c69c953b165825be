namespace SynthIE.Inference.Evaluation;

/// <summary>One gold document: its id, its text and the facts it expresses, as names.</summary>
public sealed class GoldDocument
{
    /// <summary>Initializes a new instance of the <see cref="GoldDocument"/> class.</summary>
    /// <param name="id">The document id predictions are matched by (ordinal comparison).</param>
    /// <param name="text">The document's text (the model's input).</param>
    /// <param name="triplets">The gold facts as written in the data; duplicates are kept here and removed when scoring.</param>
    /// <param name="source">Where the document came from (e.g. <c>file:line</c>), used in error messages; optional.</param>
    public GoldDocument(string id, string text, IReadOnlyList<LabelTriplet> triplets, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(triplets);
        Id = id;
        Text = text;
        Triplets = triplets;
        Source = source;
    }

    /// <summary>Gets the document id.</summary>
    public string Id { get; }

    /// <summary>Gets the document's text.</summary>
    public string Text { get; }

    /// <summary>Gets the gold facts, in file order, names as written in the data.</summary>
    public IReadOnlyList<LabelTriplet> Triplets { get; }

    /// <summary>Gets where the document came from (<c>file:line</c> for documents read by <see cref="GoldReader"/>), or <see langword="null"/>.</summary>
    public string? Source { get; }
}

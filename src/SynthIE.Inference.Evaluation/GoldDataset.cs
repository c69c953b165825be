namespace SynthIE.Inference.Evaluation;

/// <summary>The gold documents of one file, as <see cref="GoldReader"/> read them.</summary>
public sealed class GoldDataset
{
    internal GoldDataset(string filePath, GoldFormat format, IReadOnlyList<GoldDocument> documents, int blankLineCount)
    {
        FilePath = filePath;
        Format = format;
        Documents = documents;
        BlankLineCount = blankLineCount;
    }

    /// <summary>Gets the file read.</summary>
    public string FilePath { get; }

    /// <summary>Gets the file's layout (given or detected).</summary>
    public GoldFormat Format { get; }

    /// <summary>Gets the documents, in file order.</summary>
    public IReadOnlyList<GoldDocument> Documents { get; }

    /// <summary>Gets how many lines were empty or whitespace only (the only lines not read as documents).</summary>
    public int BlankLineCount { get; }

    /// <summary>Gets the number of gold facts over all documents, duplicates included.</summary>
    public int TripletCount => Documents.Sum(document => document.Triplets.Count);
}

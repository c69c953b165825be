namespace SynthIE.Inference.Cli.Extract;

/// <summary>Counts over the results of a run, for the closing summary.</summary>
internal sealed class ExtractionTotals
{
    /// <summary>Gets the facts of the best outputs (repeats included).</summary>
    public long Facts { get; private set; }

    /// <summary>Gets the best outputs that did not parse cleanly.</summary>
    public int Unclean { get; private set; }

    /// <summary>Gets the inputs cut at the input token limit.</summary>
    public int Truncated { get; private set; }

    /// <summary>Adds one result.</summary>
    /// <param name="result">The result.</param>
    public void Add(ExtractionResult result)
    {
        Facts += result.Facts.Count;
        Unclean += ResultLines.ParsedCleanly(result.Diagnostics) ? 0 : 1;
        Truncated += result.InputTruncated ? 1 : 0;
    }
}

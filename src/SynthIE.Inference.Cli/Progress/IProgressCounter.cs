namespace SynthIE.Inference.Cli.Progress;

/// <summary>Counts finished items for a progress display.</summary>
internal interface IProgressCounter
{
    /// <summary>Records finished items.</summary>
    /// <param name="count">How many more are finished.</param>
    void Add(int count);
}

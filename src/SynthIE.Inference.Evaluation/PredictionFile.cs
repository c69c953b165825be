namespace SynthIE.Inference.Evaluation;

/// <summary>The predictions of one file, as <see cref="PredictionReader"/> read them.</summary>
public sealed class PredictionFile
{
    internal PredictionFile(string filePath, IReadOnlyList<DocumentPrediction> predictions, int blankLineCount)
    {
        FilePath = filePath;
        Predictions = predictions;
        BlankLineCount = blankLineCount;
    }

    /// <summary>Gets the file read.</summary>
    public string FilePath { get; }

    /// <summary>Gets the predictions, in file order.</summary>
    public IReadOnlyList<DocumentPrediction> Predictions { get; }

    /// <summary>Gets how many lines were empty or whitespace only (the only lines not read as predictions).</summary>
    public int BlankLineCount { get; }
}

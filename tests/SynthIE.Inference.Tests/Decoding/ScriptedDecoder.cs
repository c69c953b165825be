using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// An <see cref="IDecoderStep"/> over a logits function of each row's (batch item, token history). The decoder keeps
/// its own per-row histories and follows <see cref="Reorder"/>, so wrong reordering gives wrong logits. Records what the
/// search asked for.
/// </summary>
internal sealed class ScriptedDecoder : IDecoderStep
{
    private readonly Func<int, IReadOnlyList<int>, float[]> logits;
    private List<(int Item, List<int> History)> rows;

    public ScriptedDecoder(int vocabularySize, int batchSize, int beams, Func<int, IReadOnlyList<int>, float[]> logits)
    {
        VocabularySize = vocabularySize;
        this.logits = logits;
        rows = [.. Enumerable.Range(0, batchSize * beams).Select(r => (r / beams, new List<int>()))];
    }

    public ScriptedDecoder(ScriptedLogits script, int batchSize, int beams)
        : this(script.VocabularySize, batchSize, beams, script.Logits)
    {
    }

    public int VocabularySize { get; }

    public int RowCount => rows.Count;

    /// <summary>Gets the row count of every Step call.</summary>
    public List<int> StepRowCounts { get; } = [];

    public List<int[]> Reorders { get; } = [];

    public Action<int>? OnStep { get; set; }

    public void Step(ReadOnlySpan<long> tokens, Span<float> logitsOut)
    {
        Assert.Equal(rows.Count, tokens.Length);
        Assert.Equal(rows.Count * VocabularySize, logitsOut.Length);
        StepRowCounts.Add(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            Assert.InRange(tokens[r], 0, VocabularySize - 1);
            rows[r].History.Add((int)tokens[r]);
            float[] row = logits(rows[r].Item, rows[r].History);
            Assert.Equal(VocabularySize, row.Length);
            row.CopyTo(logitsOut.Slice(r * VocabularySize, VocabularySize));
        }

        OnStep?.Invoke(StepRowCounts.Count);
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        Reorders.Add(sourceRows.ToArray());
        var next = new List<(int Item, List<int> History)>(sourceRows.Length);
        foreach (int source in sourceRows)
        {
            Assert.InRange(source, 0, rows.Count - 1);
            next.Add((rows[source].Item, [.. rows[source].History]));
        }

        rows = next;
    }
}

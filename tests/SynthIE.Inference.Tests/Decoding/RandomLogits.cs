namespace SynthIE.Inference.Tests.Decoding;

/// <summary>Deterministic pseudo-random logits as a function of (seed, batch item, token history).</summary>
internal static class RandomLogits
{
    public static float[] Row(int vocabularySize, int seed, int item, IReadOnlyList<int> history, bool quantized, float endBias)
    {
        // FNV-1a over the inputs: stable across processes (HashCode.Combine is not), so a failing seed reproduces.
        uint hash = 2166136261;
        void Mix(int value)
        {
            hash = (hash ^ (uint)value) * 16777619;
        }

        Mix(seed);
        Mix(item);
        foreach (int token in history)
        {
            Mix(token);
        }

        var random = new Random((int)hash);
        var row = new float[vocabularySize];
        for (int t = 0; t < row.Length; t++)
        {
            // Quantized logits make equal scores (ties) common.
            row[t] = quantized ? random.Next(-6, 3) * 0.5f : (float)((random.NextDouble() * 8) - 5);
        }

        row[1] += endBias;
        return row;
    }
}

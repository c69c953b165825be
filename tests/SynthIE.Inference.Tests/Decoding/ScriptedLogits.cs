using System.Globalization;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// Logits as a function of (batch item, token history). Rows are written as probabilities: a listed token gets the
/// logit <c>ln p</c>, every other token −10⁴ (so <c>log_softmax</c> gives ≈ <c>ln p</c> when the listed p sum to 1, and
/// unlisted tokens ≈ −10⁴). Histories are written as in transformers' <c>input_ids</c>: "0 2 5" starts with the decoder
/// start token 0. Token 1 is the end token.
/// </summary>
internal sealed class ScriptedLogits
{
    public const float UnlistedLogit = -1e4f;

    private readonly Dictionary<(int Item, string History), float[]> rows = [];
    private readonly Func<int, IReadOnlyList<int>, float[]> fallback;

    public ScriptedLogits(int vocabularySize, params (int Token, double Probability)[] defaultRow)
        : this(vocabularySize, (_, _) => Row(vocabularySize, defaultRow))
    {
    }

    public ScriptedLogits(int vocabularySize, Func<int, IReadOnlyList<int>, float[]> fallback)
    {
        VocabularySize = vocabularySize;
        this.fallback = fallback;
    }

    public int VocabularySize { get; }

    public static float[] Row(int vocabularySize, params (int Token, double Probability)[] probabilities)
    {
        var row = new float[vocabularySize];
        Array.Fill(row, UnlistedLogit);
        foreach ((int token, double probability) in probabilities)
        {
            row[token] = (float)Math.Log(probability);
        }

        return row;
    }

    public ScriptedLogits Add(string history, params (int Token, double Probability)[] probabilities) =>
        Add(0, history, probabilities);

    public ScriptedLogits Add(int item, string history, params (int Token, double Probability)[] probabilities)
    {
        rows.Add((item, history), Row(VocabularySize, probabilities));
        return this;
    }

    public float[] Logits(int item, IReadOnlyList<int> history) =>
        rows.TryGetValue((item, Key(history)), out float[]? row) ? row : fallback(item, history);

    public static string Key(IReadOnlyList<int> history) =>
        string.Join(' ', history.Select(t => t.ToString(CultureInfo.InvariantCulture)));
}

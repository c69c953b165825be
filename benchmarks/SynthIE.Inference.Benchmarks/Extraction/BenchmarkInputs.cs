using SynthIE.Inference.Benchmarks.Tokenization;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>The end-to-end benchmarks' inputs: REBEL sample documents from shared/ (never committed), in file order.</summary>
internal static class BenchmarkInputs
{
    /// <summary>The longest input, in tokens with the end token (SynthIE's max_input_tokens).</summary>
    public const int MaxInputTokens = 256;

    /// <summary>Returns the first <paramref name="count"/> REBEL documents.</summary>
    public static string[] Texts(int count)
    {
        string[] texts = TokenizerCorpus.ReadTexts(BenchmarkPaths.SharedFile("data/rebel-sample/sample.jsonl"));
        return count <= texts.Length
            ? texts[..count]
            : throw new ArgumentOutOfRangeException(nameof(count), count, $"The REBEL sample has {texts.Length} documents.");
    }

    /// <summary>Tokenizes <paramref name="texts"/> as the extractor does (end token added, cut at <see cref="MaxInputTokens"/>).</summary>
    public static int[][] Tokenize(T5Tokenizer tokenizer, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var buffer = new int[MaxInputTokens];
        return [.. texts.Select(text => buffer.AsSpan(0, tokenizer.EncodeToIds(text, buffer, addEndOfSequence: true, out _)).ToArray())];
    }
}

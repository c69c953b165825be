using System.Text;
using BenchmarkDotNet.Attributes;

namespace SynthIE.Inference.Benchmarks.Tokenization;

/// <summary>
/// Encode throughput of <see cref="T5Tokenizer"/> on a realistic English corpus (the 1,000 REBEL sample documents,
/// read at run time). One operation encodes the whole corpus, document by document, on one thread; divide the corpus
/// size printed at setup by the mean time for MB/s. Run:
/// <c>dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --filter '*TokenizerBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private T5Tokenizer _tokenizer = null!;
    private string[] _texts = [];
    private int[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = T5Tokenizer.FromSentencePieceModel(TokenizerCorpus.SharedFile("data/t5-tokenizer/spiece.model"));
        _texts = TokenizerCorpus.ReadTexts(TokenizerCorpus.SharedFile("data/rebel-sample/sample.jsonl"));
        _buffer = new int[1 << 16];
        long bytes = _texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        long tokens = _texts.Sum(t => (long)_tokenizer.CountTokens(t, addEndOfSequence: false));
        Console.WriteLine($"// corpus: {_texts.Length} documents, {bytes:N0} UTF-8 bytes, {tokens:N0} tokens");
    }

    /// <summary>Encodes every document into a caller buffer (no allocation per call).</summary>
    [Benchmark(Baseline = true)]
    public long EncodeCorpusIntoBuffer()
    {
        long total = 0;
        foreach (string text in _texts)
        {
            total += _tokenizer.EncodeToIds(text, _buffer, addEndOfSequence: true, out _);
        }

        return total;
    }

    /// <summary>Encodes every document as SynthIE does: at most 256 ids, the end token kept.</summary>
    [Benchmark]
    public long EncodeCorpusTruncatedTo256()
    {
        long total = 0;
        Span<int> buffer = _buffer.AsSpan(0, 256);
        foreach (string text in _texts)
        {
            total += _tokenizer.EncodeToIds(text, buffer, addEndOfSequence: true, out _);
        }

        return total;
    }

    /// <summary>Encodes every document to a new id list (allocates the result).</summary>
    [Benchmark]
    public long EncodeCorpusToList()
    {
        long total = 0;
        foreach (string text in _texts)
        {
            total += _tokenizer.EncodeToIds(text).Count;
        }

        return total;
    }

    /// <summary>Loads the tokenizer from spiece.model (parse, normalizer map, piece trie).</summary>
    [Benchmark]
    public int LoadSentencePieceModel() =>
        T5Tokenizer.FromSentencePieceModel(TokenizerCorpus.SharedFile("data/t5-tokenizer/spiece.model")).VocabularySize;
}

using BenchmarkDotNet.Attributes;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// End-to-end extraction (tokenize, encode, constrained decoding, detokenize, parse facts) with
/// <see cref="SynthIEExtractor.ExtractBatch"/> on generated models of flan-t5 shapes (seeded random weights, the real T5
/// tokenizer, the 7,349-entity / 771-relation world of shared/'s catalog): 1 beam (greedy) and 10 beams, batch 1 and 8.
/// One operation extracts <see cref="Batch"/> REBEL documents; the <c>docs/s</c> and <c>tokens/s</c> columns divide
/// the documents and the generated tokens of one operation (the best candidate of each document, EOS included, start
/// token not) by the mean time. Allocated is managed memory only (ONNX Runtime's native buffers are not counted).
/// Run with <c>-- --filter '*ExtractionBenchmarks*'</c> (add <c>--quick</c> for batch 1 only, <c>--large</c> for the
/// flan-t5-large shape too, <c>--threads N</c> for the intra-op thread count).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ExtractionBenchmarkConfig))]
[WarmupCount(1)]
[IterationCount(3)]
[InvocationCount(1)]
[EvaluateOverhead(false)]
public class ExtractionBenchmarks
{
    /// <summary>The environment variable <c>--quick</c> sets (batch 1 only).</summary>
    public const string QuickVariable = "SYNTHIE_BENCH_QUICK";

    /// <summary>The environment variable <c>--large</c> sets (the flan-t5-large shape too).</summary>
    public const string LargeVariable = "SYNTHIE_BENCH_LARGE";

    /// <summary>The environment variable <c>--threads N</c> sets (intra-op threads; 0 or unset: ONNX Runtime's default, one per core).</summary>
    public const string ThreadsVariable = "SYNTHIE_BENCH_THREADS";

    /// <summary>The longest output in the benchmark, in tokens (SynthIE allows 256; the generated models end sooner).</summary>
    public const int MaxNewTokens = 256;

    private SynthIEExtractor _extractor = null!;
    private string[] _texts = [];

    /// <summary>Gets or sets the model shape: <c>base</c> (flan-t5-base) and, with <c>--large</c>, <c>large</c>.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "base";

    /// <summary>Gets or sets the number of beams (1 = greedy).</summary>
    [Params(1, 10)]
    public int Beams { get; set; }

    /// <summary>Gets or sets the number of documents per <see cref="SynthIEExtractor.ExtractBatch"/> call (and batch size).</summary>
    [ParamsSource(nameof(Batches))]
    public int Batch { get; set; }

    /// <summary>Gets the model shapes to run.</summary>
    public static IEnumerable<string> Models => Environment.GetEnvironmentVariable(LargeVariable) == "1" ? ["base", "large"] : ["base"];

    /// <summary>Gets the batch sizes to run.</summary>
    public static IEnumerable<int> Batches => Environment.GetEnvironmentVariable(QuickVariable) == "1" ? [1] : [1, 8];

    /// <summary>Loads the model (generated and cached on first use) and counts the tokens one operation generates.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string directory = BenchmarkModel.Prepare(Model, Console.Out);
        _ = int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int threads);
        _extractor = SynthIEExtractor.Create(directory, new SynthIEExtractorOptions
        {
            NumBeams = Beams,
            MaxBatchSize = Batch,
            MaxNewTokens = MaxNewTokens,
            IntraOpThreads = threads,
        });
        _texts = BenchmarkInputs.Texts(Batch);
        long tokens = _extractor.ExtractBatch(_texts).Sum(r => (long)r.Candidates[0].TokenIds.Count - 1);
        ExtractionBenchmarkConfig.WriteTokensPerOperation(Model, Beams, Batch, tokens);
        Console.WriteLine($"// {Batch} document(s) per operation, {tokens} generated tokens per operation");
    }

    /// <summary>Releases the model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _extractor.Dispose();

    /// <summary>Extracts the facts of <see cref="Batch"/> documents.</summary>
    /// <returns>The number of facts of the best candidates.</returns>
    [Benchmark]
    public int Extract()
    {
        int facts = 0;
        foreach (ExtractionResult result in _extractor.ExtractBatch(_texts))
        {
            facts += result.Facts.Count;
        }

        return facts;
    }
}

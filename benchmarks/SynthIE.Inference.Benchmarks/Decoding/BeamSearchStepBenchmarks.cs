using BenchmarkDotNet.Attributes;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Benchmarks.Decoding;

/// <summary>
/// One beam-search step's own work (no model): log-softmax normalizers of 10 rows × 32,128 logits, the top-20
/// candidate selection, hypothesis bookkeeping and beam reordering, with and without a constraint that allows 20 ids.
/// The state restarts (allocation-free) when it finishes. Target: no allocation per step.
/// </summary>
[MemoryDiagnoser]
public class BeamSearchStepBenchmarks
{
    private const int Vocabulary = 32128;
    private const int Beams = 10;

    private float[] logits = [];
    private BeamSearchState state = null!;

    [Params(false, true)]
    public bool Constrained { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        logits = new float[Beams * Vocabulary];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)((random.NextDouble() * 20) - 15);
        }

        var options = new DecodingOptions
        {
            NumBeams = Beams,
            NumReturnSequences = Beams,
            LengthPenalty = 0.8,
            MaxNewTokens = 256,
            Constraint = Constrained
                ? new FixedSetConstraint([.. Enumerable.Range(0, 20).Select(i => 3 + (i * 1597))])
                : null,
        };
        state = new BeamSearchState(options, 1, Vocabulary, LogitsProcessorList.Create(options, Vocabulary));
    }

    [Benchmark]
    public int Step()
    {
        if (state.IsFinished)
        {
            state.Reset();
        }

        state.Advance(logits);
        return state.CurrentLength;
    }
}

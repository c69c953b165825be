using System.Diagnostics;
using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Extraction;

/// <summary>10,000 extractions on a tiny generated model, after warm-up, grow neither managed nor native memory.</summary>
/// <remarks>Runs alone (its collection disables parallelization), so other tests' allocations do not show up in its measurements.</remarks>
[Collection(MemoryMeasurementGroup.Name)]
public sealed class LongRunMemoryTests
{
    [Fact]
    public void Ten_thousand_extractions_do_not_grow_managed_or_native_memory()
    {
        using var model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 9 }, linearization: "fully_expanded");
        using SynthIEExtractor extractor = SynthIEExtractor.Create(model.Directory, new SynthIEExtractorOptions
        {
            NumBeams = 2,
            NumReturnSequences = 1,
            MaxNewTokens = 6,
            MaxBatchSize = 1,
            IntraOpThreads = 1,
        });
        string[] texts = ["Paris is the capital of France.", "Berlin is in Germany.", "Bill Gates founded Microsoft.", "The Moon orbits the Earth."];

        // Warm-up: pools, ONNX Runtime's arena, the C allocator's per-thread arenas and the JIT settle in the first
        // few thousand calls (measured: +45 MB of private memory up to ~3,000 calls, then flat).
        Run(extractor, texts, 3_000);
        (long managedStart, long nativeStart) = Measure();
        Run(extractor, texts, 5_000);
        (long managedMiddle, long nativeMiddle) = Measure();
        Run(extractor, texts, 5_000);
        (long managedEnd, long nativeEnd) = Measure();

        // A leak grows with the number of calls. The native allocator may still be filling its per-thread arenas in the
        // first half (seen: up to +30 MB), so the second half must be flat: a leak of one decoder cache per call (≥ 10 KB on
        // this model) would add ≥ 50 MB there.
        Assert.True(managedEnd - managedStart < 1L << 20, $"managed heap: {managedStart / 1024} → {managedMiddle / 1024} → {managedEnd / 1024} KiB");
        Assert.True(nativeMiddle - nativeStart < 48L << 20 && nativeEnd - nativeMiddle < 6L << 20,
            $"native memory: {nativeStart / 1024} → {nativeMiddle / 1024} → {nativeEnd / 1024} KiB");
    }

    private static void Run(SynthIEExtractor extractor, string[] texts, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ExtractionResult result = extractor.Extract(texts[i % texts.Length]);
            Assert.NotEmpty(result.Candidates);
        }
    }

    private static (long Managed, long Private) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using Process process = Process.GetCurrentProcess();
        process.Refresh();
        // Native memory = the process's private memory less what the managed heap has committed (which other tests'
        // garbage can make rise and fall).
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        return (managed, process.PrivateMemorySize64 - GC.GetGCMemoryInfo().TotalCommittedBytes);
    }
}

using System.Diagnostics;
using SynthIE.Inference.Tests.Extraction;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Concurrent <see cref="SynthIEExtractor.Extract"/>, <see cref="SynthIEExtractor.ExtractAsync"/> with cancellation, and
/// <see cref="SynthIEExtractor.Dispose"/>, round after round on a tiny generated model: every result that comes back
/// equals the sequential run's, every failure is a cancellation or the disposal, and native memory stays flat.
/// </summary>
[Collection(MemoryMeasurementGroup.Name)]
public sealed class ExtractorSoakTests : IClassFixture<MisuseModelFixture>
{
    private static readonly string[] Texts =
    [
        "Paris is the capital of France.",
        "Albert Einstein was born in Ulm.",
        "Apple was founded by Steve Jobs in Cupertino.",
        "The Moon orbits the Earth.",
    ];

    private readonly MisuseModelFixture _fixture;

    public ExtractorSoakTests(MisuseModelFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Concurrent_extraction_cancellation_and_disposal_give_sequential_results_and_flat_native_memory()
    {
        var options = new SynthIEExtractorOptions { NumBeams = 3, NumReturnSequences = 2, MaxNewTokens = 24, IntraOpThreads = 1, MaxBatchSize = 2 };
        string[] expected;
        using (SynthIEExtractor sequential = SynthIEExtractor.Create(_fixture.Model.Directory, options))
        {
            expected = [.. Texts.Select(text => Describe(sequential.Extract(text)))];
        }

        // Warm-up rounds settle ONNX Runtime's arenas and the allocator's per-thread arenas; then the same number of
        // rounds twice. Loading and disposing extractors moves the C allocator's high-water mark in steps (measured here:
        // up to +25 MB over 10 sequential loads, then flat), so the bound is half the model's weights per round: an
        // extractor whose sessions or tensors are not released leaves at least all of its weights behind each round.
        const int rounds = 10;
        long weights = Directory.EnumerateFiles(_fixture.Model.Directory, "*.onnx*").Sum(file => new FileInfo(file).Length);
        int completed = 0;
        for (int round = 0; round < rounds; round++)
        {
            completed += await RoundAsync(options, expected, round);
        }

        long nativeStart = NativeMemory();
        for (int round = 0; round < rounds; round++)
        {
            completed += await RoundAsync(options, expected, round);
        }

        long nativeMiddle = NativeMemory();
        for (int round = 0; round < rounds; round++)
        {
            completed += await RoundAsync(options, expected, round);
        }

        long nativeEnd = NativeMemory();
        Assert.True(completed > 0);
        Assert.True(nativeEnd - nativeMiddle < rounds * weights / 2,
            $"native memory: {nativeStart / 1024} → {nativeMiddle / 1024} → {nativeEnd / 1024} KiB; weights {weights / 1024} KiB");
    }

    /// <summary>One extractor; two threads extract every text in turn, one task extracts with a token cancelled part-way,
    /// and the extractor is disposed once each has finished at least one call. Returns the number of results checked.</summary>
    private async Task<int> RoundAsync(SynthIEExtractorOptions options, string[] expected, int round)
    {
        SynthIEExtractor extractor = SynthIEExtractor.Create(_fixture.Model.Directory, options);
        int checkedResults = 0;
        using var firstCalls = new CountdownEvent(3);

        Task Worker(int offset) => Task.Factory.StartNew(() =>
        {
            bool signalled = false;
            try
            {
                for (int i = 0; ; i++)
                {
                    int index = (i + offset + round) % Texts.Length;
                    ExtractionResult result = extractor.Extract(Texts[index]);
                    Assert.Equal(expected[index], Describe(result));
                    Interlocked.Increment(ref checkedResults);
                    if (!signalled)
                    {
                        signalled = true;
                        firstCalls.Signal();
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                if (!signalled)
                {
                    firstCalls.Signal();
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        async Task Cancelling()
        {
            bool signalled = false;
            try
            {
                for (int i = 0; ; i++)
                {
                    // Odd calls are cancelled right after they start (before, during or after the run: all must be clean).
                    int index = (i + round) % Texts.Length;
                    using var cancellation = new CancellationTokenSource();
                    Task<ExtractionResult> call = extractor.ExtractAsync(Texts[index], cancellation.Token);
                    if (i % 2 == 1)
                    {
                        await cancellation.CancelAsync().ConfigureAwait(false);
                    }

                    try
                    {
                        ExtractionResult result = await call.ConfigureAwait(false);
                        Assert.Equal(expected[index], Describe(result));
                        Interlocked.Increment(ref checkedResults);
                    }
                    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                    {
                        // Its own cancellation: the only other acceptable end of a call.
                    }

                    if (!signalled && i % 2 == 0)
                    {
                        signalled = true;
                        firstCalls.Signal();
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                if (!signalled)
                {
                    firstCalls.Signal();
                }
            }
        }

        Task[] tasks = [Worker(0), Worker(1), Task.Run(Cancelling)];
        firstCalls.Wait();
        extractor.Dispose();
        await Task.WhenAll(tasks);
        return checkedResults;
    }

    private static string Describe(ExtractionResult result) =>
        string.Join(" || ", result.Candidates.Select(candidate => $"{string.Join(",", candidate.TokenIds)} {candidate.Score:R}"));

    private static long NativeMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using Process process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PrivateMemorySize64 - GC.GetGCMemoryInfo().TotalCommittedBytes;
    }
}

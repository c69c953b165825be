namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Issue 12, defect 1: <see cref="SynthIEExtractor.Dispose"/> while other threads extract. Before the fix the native
/// sessions were released under running calls and the test host died (access violation); now running calls end with
/// <see cref="ObjectDisposedException"/> (or their own cancellation) and later calls are refused.
/// </summary>
public sealed class ExtractorDisposeTests : IClassFixture<MisuseModelFixture>
{
    private readonly MisuseModelFixture _fixture;

    public ExtractorDisposeTests(MisuseModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Dispose_while_threads_extract_ends_their_calls_with_ObjectDisposedException_and_never_crashes()
    {
        SynthIEExtractor extractor = SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions
        {
            NumBeams = 4,
            MaxNewTokens = 48,
            IntraOpThreads = 1,
        });
        const int workers = 3;
        var started = new CountdownEvent(workers);
        var errors = new Exception?[workers];
        int[] completed = new int[workers];
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            threads[w] = new Thread(() =>
            {
                bool signalled = false;
                try
                {
                    while (true)
                    {
                        ExtractionResult result = extractor.Extract($"Text {worker}: Paris is the capital of France and Berlin is in Germany.");
                        Assert.NotEmpty(result.Candidates);
                        completed[worker]++;
                        if (!signalled)
                        {
                            signalled = true;
                            started.Signal();
                        }
                    }
                }
                catch (Exception error)
                {
                    errors[worker] = error;
                    if (!signalled)
                    {
                        started.Signal();
                    }
                }
            });
            threads[w].Start();
        }

        // Every worker has finished one call and is inside the next when Dispose comes.
        started.Wait();
        extractor.Dispose();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        for (int w = 0; w < workers; w++)
        {
            Assert.True(errors[w] is ObjectDisposedException, $"worker {w}: {errors[w]}");
            Assert.True(completed[w] >= 1);
        }

        Assert.Throws<ObjectDisposedException>(() => extractor.Extract("After disposal."));
        extractor.Dispose(); // twice is fine
    }

    [Fact]
    public async Task ExtractAsync_after_Dispose_faults_with_ObjectDisposedException()
    {
        SynthIEExtractor extractor = SynthIEExtractor.Create(_fixture.Model.Directory, new SynthIEExtractorOptions { NumBeams = 2, MaxNewTokens = 4, IntraOpThreads = 1 });
        extractor.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => extractor.ExtractAsync("Paris is in France."));
        Assert.Throws<ObjectDisposedException>(() => extractor.ExtractBatch(["a", "b"]));
    }
}

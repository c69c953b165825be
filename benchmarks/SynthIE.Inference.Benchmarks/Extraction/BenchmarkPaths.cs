namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>Where the benchmarks find the repository, the shared data and their model cache.</summary>
internal static class BenchmarkPaths
{
    /// <summary>Gets the repository root (the folder with <c>SynthIE.Inference.sln</c> above the running program).</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SynthIE.Inference.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No SynthIE.Inference.sln above {AppContext.BaseDirectory}: run the benchmarks from the repository.");
    }

    /// <summary>Gets a file of the shared data folder ($SYNTHIE_SHARED_DIR, else ../shared beside the repository).</summary>
    public static string SharedFile(string relativePath)
    {
        string path = Path.Combine(Constraints.SharedFolder.Find(), relativePath);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Benchmark data missing: {path} (set SYNTHIE_SHARED_DIR).", path);
    }

    /// <summary>
    /// Gets the folder generated models are cached in: $SYNTHIE_BENCH_MODELS, else <c>.models/bench</c> in the repository
    /// root (git-ignored).
    /// </summary>
    public static string ModelCache()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SYNTHIE_BENCH_MODELS");
        return !string.IsNullOrEmpty(fromEnvironment)
            ? Path.GetFullPath(fromEnvironment)
            : Path.Combine(RepositoryRoot(), ".models", "bench");
    }
}

namespace SynthIE.Inference.Tests.Infrastructure;

/// <summary>
/// Locates the project's shared data folder: <c>$SYNTHIE_SHARED_DIR</c> when set, otherwise <c>../shared</c>
/// beside the repository root. Tests that need it fail with a message saying where it was looked for.
/// </summary>
internal static class SharedData
{
    public const string EnvironmentVariable = "SYNTHIE_SHARED_DIR";

    private static readonly Lazy<string> Root = new(Find);

    /// <summary>Gets the repository root (the folder that holds SynthIE.Inference.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Returns the full path of a file under shared/, failing clearly if it is missing.</summary>
    public static string File(string relativePath)
    {
        string path = Path.Combine(Root.Value, relativePath);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"Shared test data file '{relativePath}' is missing: looked for {path}. " +
                $"Put the project's shared/ folder beside the repository or set {EnvironmentVariable}.", path);
        }

        return path;
    }

    private static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        string candidate = string.IsNullOrEmpty(fromEnvironment)
            ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"))
            : Path.GetFullPath(fromEnvironment);
        if (!Directory.Exists(Path.Combine(candidate, "data")))
        {
            throw new DirectoryNotFoundException($"The shared data folder was not found at {candidate} (it must contain data/). " +
                $"Put shared/ beside the repository root ({RepositoryRoot}) or set {EnvironmentVariable} to its path.");
        }

        return candidate;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "SynthIE.Inference.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No SynthIE.Inference.sln above {AppContext.BaseDirectory}.");
    }
}

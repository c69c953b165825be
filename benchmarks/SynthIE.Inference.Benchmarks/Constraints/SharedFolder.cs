namespace SynthIE.Inference.Benchmarks.Constraints;

/// <summary>Finds the project's shared data folder: $SYNTHIE_SHARED_DIR, or ../shared beside the repository.</summary>
internal static class SharedFolder
{
    public static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SYNTHIE_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SynthIE.Inference.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException("The shared folder was not found; set SYNTHIE_SHARED_DIR.");
    }
}

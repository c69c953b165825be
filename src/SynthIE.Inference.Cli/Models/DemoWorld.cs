using System.Reflection;

namespace SynthIE.Inference.Cli.Models;

/// <summary>The repository's small demo world (<c>samples/data/demo-world</c>, SynthIE's layout), embedded in the tool.</summary>
internal static class DemoWorld
{
    private const string Prefix = "demo-world/";

    /// <summary>Writes the demo world's files into a folder.</summary>
    /// <param name="directory">The destination (created if needed).</param>
    /// <returns>The number of files written.</returns>
    public static int WriteTo(string directory)
    {
        Assembly assembly = typeof(DemoWorld).Assembly;
        int count = 0;
        foreach (string name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            string target = Path.Combine(directory, name[Prefix.Length..].Replace('\\', '/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using Stream source = assembly.GetManifestResourceStream(name)!;
            using FileStream file = File.Create(target);
            source.CopyTo(file);
            count++;
        }

        return count == 0 ? throw new InvalidOperationException("The demo world is missing from the tool's resources.") : count;
    }
}

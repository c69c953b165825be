using System.Text.Json;

namespace SynthIE.Inference.Benchmarks.Tokenization;

/// <summary>
/// Finds the tokenizer files and an English corpus at run time: the <c>text</c> fields of the REBEL sample
/// (<c>shared/data/rebel-sample/sample.jsonl</c>; never committed). shared/ is <c>$SYNTHIE_SHARED_DIR</c>, else
/// <c>../shared</c> beside the repository.
/// </summary>
internal static class TokenizerCorpus
{
    public static string SharedDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SYNTHIE_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SynthIE.Inference.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException($"No SynthIE.Inference.sln above {AppContext.BaseDirectory}; set SYNTHIE_SHARED_DIR.");
    }

    public static string SharedFile(string relativePath)
    {
        string path = Path.Combine(SharedDirectory(), relativePath);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Benchmark data missing: {path} (set SYNTHIE_SHARED_DIR).", path);
    }

    /// <summary>Reads the <c>text</c> field of every line of a JSON-lines file.</summary>
    public static string[] ReadTexts(string jsonLinesPath)
    {
        List<string> texts = [];
        foreach (string line in File.ReadLines(jsonLinesPath))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(line);
            texts.Add(document.RootElement.GetProperty("text").GetString() ?? string.Empty);
        }

        return [.. texts];
    }
}

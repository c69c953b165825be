namespace SynthIE.Inference.Cli.Common;

/// <summary>
/// Finds the T5 tokenizer for commands that need one without a model (<c>world build</c>, <c>models make-test</c>):
/// the <c>--tokenizer</c> path (a <c>spiece.model</c>, a <c>tokenizer.json</c>, or a folder with one), else the shared
/// data folder's <c>data/t5-tokenizer/spiece.model</c> under <c>$SYNTHIE_SHARED_DIR</c>, else <c>../shared</c> beside the
/// repository when the tool runs from inside a checkout. Every SynthIE model uses this one T5 vocabulary.
/// </summary>
internal static class TokenizerSource
{
    public const string SharedDirectoryVariable = "SYNTHIE_SHARED_DIR";

    private const string SharedTokenizer = "data/t5-tokenizer/spiece.model";

    /// <summary>Returns the tokenizer path to use.</summary>
    /// <param name="given">The <c>--tokenizer</c> value, or <see langword="null"/>.</param>
    /// <returns>A file or folder that exists.</returns>
    /// <exception cref="CliException">The given path does not exist, or none was given and no default was found.</exception>
    public static string Resolve(string? given)
    {
        if (given is not null)
        {
            string full = System.IO.Path.GetFullPath(given);
            return File.Exists(full) || Directory.Exists(full)
                ? full
                : throw new CliException($"tokenizer not found: {full} (--tokenizer takes a spiece.model, a tokenizer.json, or a folder holding one).");
        }

        foreach (string candidate in Candidates())
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new CliException(
            $"no tokenizer: pass --tokenizer PATH (a T5 spiece.model or tokenizer.json, or a folder with one); none was found at ${SharedDirectoryVariable}/{SharedTokenizer} or in ../shared beside the repository.");
    }

    /// <summary>Loads a tokenizer from a file or folder.</summary>
    /// <param name="path">A <c>spiece.model</c>, a <c>tokenizer.json</c>, or a folder with one.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="CliException">The file cannot be read or is not a T5 tokenizer.</exception>
    public static T5Tokenizer Load(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return T5Tokenizer.FromDirectory(path);
            }

            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? T5Tokenizer.FromTokenizerJson(path)
                : T5Tokenizer.FromSentencePieceModel(path);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new CliException($"{path}: not a usable T5 tokenizer ({error.Message})", error);
        }
    }

    private static IEnumerable<string> Candidates()
    {
        string? shared = Environment.GetEnvironmentVariable(SharedDirectoryVariable);
        if (!string.IsNullOrEmpty(shared))
        {
            yield return System.IO.Path.GetFullPath(System.IO.Path.Combine(shared, SharedTokenizer));
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, "SynthIE.Inference.sln")))
                {
                    yield return System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared", SharedTokenizer));
                    break;
                }
            }
        }
    }
}

using System.CommandLine;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Cli.Models;

/// <summary>What the model-writing commands share: checking the output folder and the tokenizer, copying the tokenizer.</summary>
internal static class ModelFolderFiles
{
    /// <summary>The <c>--output</c> (<c>-o</c>) option: the model folder to write.</summary>
    /// <returns>The option.</returns>
    public static Option<string?> OutputOption() =>
        CliOptions.Path("--output", "The model folder to write (created; must be empty unless --overwrite).", "DIR", "-o");

    /// <summary>The <c>--tokenizer</c> option: the T5 tokenizer copied into the model.</summary>
    /// <returns>The option.</returns>
    public static Option<string?> TokenizerOption() =>
        CliOptions.Path("--tokenizer", "T5 tokenizer to copy in (spiece.model, tokenizer.json, or a folder with one); default: the shared T5 tokenizer when found.", "PATH");

    /// <summary>The <c>--overwrite</c> flag: write into a folder that is not empty.</summary>
    /// <returns>The option.</returns>
    public static Option<bool> OverwriteOption() =>
        CliOptions.Flag("--overwrite", "Write into a folder that is not empty (files of the same names are replaced).");

    /// <summary>Checks that <paramref name="output"/> can receive a model: not a file, and empty unless overwriting.</summary>
    /// <param name="output">The folder (full path).</param>
    /// <param name="overwrite">Whether a folder that is not empty may be written into.</param>
    /// <exception cref="CliException">The folder cannot be used.</exception>
    public static void CheckOutput(string output, bool overwrite)
    {
        if (File.Exists(output))
        {
            throw new CliException($"{output} is a file; --output takes a folder.");
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !overwrite)
        {
            throw new CliException($"{output} is not empty: choose an empty or new folder, or pass --overwrite.");
        }
    }

    /// <summary>Finds and loads the T5 tokenizer a written model gets (<c>--tokenizer</c>, else the shared one).</summary>
    /// <param name="option">The <c>--tokenizer</c> value, if given.</param>
    /// <param name="modelKind">The model's kind in messages (<c>test model</c>, <c>demo model</c>).</param>
    /// <returns>The tokenizer's path and the tokenizer.</returns>
    /// <exception cref="CliException">No tokenizer was found, it cannot be read, or it is larger than T5's vocabulary.</exception>
    public static (string Path, T5Tokenizer Tokenizer) LoadTokenizer(string? option, string modelKind)
    {
        string path = TokenizerSource.Resolve(option);
        T5Tokenizer tokenizer = TokenizerSource.Load(path);
        if (tokenizer.VocabularySize > T5TestModelOptions.T5VocabSize)
        {
            throw new CliException($"{path}: {Formats.Count(tokenizer.VocabularySize, "id")}, more than the {modelKind}'s {Formats.Count(T5TestModelOptions.T5VocabSize)}: not a T5 tokenizer.");
        }

        return (path, tokenizer);
    }

    /// <summary>Copies a tokenizer (spiece.model, tokenizer.json, or a folder with one) into <paramref name="output"/>.</summary>
    /// <param name="source">The resolved tokenizer path.</param>
    /// <param name="output">The model folder.</param>
    /// <returns>The file name written.</returns>
    public static string CopyTokenizer(string source, string output)
    {
        if (Directory.Exists(source))
        {
            string model = Path.Combine(source, "spiece.model");
            source = File.Exists(model) ? model : Path.Combine(source, "tokenizer.json");
        }

        string name = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "tokenizer.json" : "spiece.model";
        File.Copy(source, Path.Combine(output, name), overwrite: true);
        return name;
    }
}

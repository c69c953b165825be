namespace SynthIE.Inference.Cli.Models;

/// <summary>Files the model-writing commands copy into a model folder.</summary>
internal static class ModelFolderFiles
{
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

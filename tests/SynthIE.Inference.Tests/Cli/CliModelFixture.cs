using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Cli;

/// <summary>A tiny generated model with the demo world (its trie cache inside), shared by one test class, plus a scratch folder.</summary>
public sealed class CliModelFixture : IDisposable
{
    private readonly GeneratedModel _model = new(T5TestModelOptions.Tiny with { Seed = 11 });

    public CliModelFixture()
    {
        Scratch = Directory.CreateTempSubdirectory("synthie-cli-").FullName;
    }

    /// <summary>Gets the model folder.</summary>
    public string ModelDirectory => _model.Directory;

    /// <summary>Gets a temporary folder for inputs and outputs (deleted on dispose).</summary>
    public string Scratch { get; }

    /// <summary>Returns a fresh path in the scratch folder.</summary>
    public string PathOf(string name) => Path.Combine(Scratch, $"{Guid.NewGuid():N}-{name}");

    /// <summary>Writes a file in the scratch folder.</summary>
    public string Write(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary><c>extract</c> with the options every test uses to keep decoding short, quiet.</summary>
    public string[] Extract(params string[] more) => ["extract", "-m", ModelDirectory, "--max-new-tokens", "24", "--beams", "3", "--quiet", .. more];

    /// <summary><c>extract</c> with short decoding, with status lines (and plain progress) on standard error.</summary>
    public string[] ExtractLoud(params string[] more) => ["extract", "-m", ModelDirectory, "--max-new-tokens", "24", "--beams", "3", "--no-progress", .. more];

    public void Dispose()
    {
        _model.Dispose();
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // A memory-mapped trie cache may still be open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}

using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.Infrastructure;

/// <summary>
/// A generated T5 model directory as a user would have it: the optimum ONNX files and config from the generator, the real
/// T5 tokenizer from shared/, a synthie.json manifest, and optionally the demo world from samples/. Deleted on dispose.
/// </summary>
public sealed class GeneratedModel : IDisposable
{
    public GeneratedModel(T5TestModelOptions options, string linearization = "fully_expanded", bool withWorld = true, double lengthPenalty = 1.0)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("synthie-model-").FullName;
        Files = T5TestModel.Write(Directory, options);
        File.Copy(SharedData.File("data/t5-tokenizer/spiece.model"), Path.Combine(Directory, "spiece.model"));
        string? world = null;
        if (withWorld)
        {
            world = "world";
            CopyDirectory(Path.Combine(SharedData.RepositoryRoot, "samples", "data", "demo-world"), Path.Combine(Directory, world));
        }

        new SynthIEManifest { Name = "generated-test-model", Linearization = linearization, LengthPenalty = lengthPenalty, World = world }
            .Save(Path.Combine(Directory, SynthIEManifest.FileName));
    }

    public string Directory { get; }

    public T5TestModelFiles Files { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A memory-mapped cache file may still be open on some platforms; the temp folder is cleaned by the OS.
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

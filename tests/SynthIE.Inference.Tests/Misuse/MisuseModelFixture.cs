using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// One tiny generated model with the demo world, written once; tests that change its files work on copies
/// (<see cref="Copy"/>), each in a fresh temporary folder.
/// </summary>
public sealed class MisuseModelFixture : IDisposable
{
    public MisuseModelFixture() => Model = new GeneratedModel(T5TestModelOptions.Tiny with { Seed = 12 }, linearization: "fully_expanded");

    public GeneratedModel Model { get; }

    /// <summary>Copies the model folder (without any trie cache) to <c>&lt;parent&gt;/&lt;name&gt;</c> and returns its path.</summary>
    public string Copy(string parent, string name = "model")
    {
        string target = Path.Combine(parent, name);
        foreach (string file in Directory.EnumerateFiles(Model.Directory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Model.Directory, file);
            if (relative.Split(Path.DirectorySeparatorChar).Contains(".synthie-cache"))
            {
                continue;
            }

            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public void Dispose() => Model.Dispose();
}

namespace SynthIE.Inference.Tests.Infrastructure;

/// <summary>A fresh folder under the system temp folder, deleted with its contents on dispose (best effort).</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string stem = "tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"synthie-{stem}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A memory-mapped file may still be open; the system's temp folder is cleaned eventually.
        }
    }
}

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>A temporary folder for the evaluation tests' gold and prediction files.</summary>
public sealed class EvaluationFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synthie-eval-").FullName;

    public string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteLines(string name, params string[] lines) => Write(name, string.Join("\n", lines) + "\n");

    public string PathOf(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

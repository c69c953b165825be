using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.DemoModel;

/// <summary>
/// The demo model folder as <c>synthie models demo</c> writes it from the tool's embedded weights (the committed
/// models/demo/synthie-demo.weights), in a temporary folder shared by one test class.
/// </summary>
public sealed class DemoModelFixture : IDisposable
{
    private readonly TemporaryDirectory _directory = new("demo-model");

    public DemoModelFixture()
    {
        ModelDirectory = System.IO.Path.Combine(_directory.Path, "demo");
        var result = Cli.Cli.Run("models", "demo", "--output", ModelDirectory, "--tokenizer", SharedData.File("data/t5-tokenizer/spiece.model"), "--quiet");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"synthie models demo failed ({result.ExitCode}): {result.Error}");
        }

        WeightsPath = System.IO.Path.Combine(SharedData.RepositoryRoot, "models", "demo", "synthie-demo.weights");
        Weights = T5TrainedWeights.Load(WeightsPath);
    }

    /// <summary>Gets the written model folder.</summary>
    public string ModelDirectory { get; }

    /// <summary>Gets the path of the committed weights file.</summary>
    public string WeightsPath { get; }

    /// <summary>Gets the committed weights.</summary>
    public T5TrainedWeights Weights { get; }

    /// <summary>Gets the ONNX files of the written model.</summary>
    public T5TestModelFiles Files => new(
        ModelDirectory,
        System.IO.Path.Combine(ModelDirectory, T5TestModel.EncoderFileName),
        System.IO.Path.Combine(ModelDirectory, T5TestModel.DecoderFileName),
        System.IO.Path.Combine(ModelDirectory, T5TestModel.DecoderWithPastFileName),
        System.IO.Path.Combine(ModelDirectory, T5TestModel.DecoderMergedFileName),
        System.IO.Path.Combine(ModelDirectory, "config.json"),
        System.IO.Path.Combine(ModelDirectory, "generation_config.json"),
        null);

    public void Dispose() => _directory.Dispose();
}

using System.Reflection;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Cli.Models;

/// <summary>
/// The demo model's trained weights (<c>models/demo/synthie-demo.weights</c>), embedded in the tool: a small T5 trained
/// in this repository on templated sentences about the demo world's entities (see models/README.md). Not SynthIE.
/// </summary>
internal static class DemoModel
{
    /// <summary>The resource name of the embedded weights.</summary>
    public const string ResourceName = "demo-model/synthie-demo.weights";

    /// <summary>The name written to the demo model's synthie.json.</summary>
    public const string ManifestName = "synthie-demo (trained in this repository on templated sentences; not SynthIE)";

    /// <summary>Reads the embedded weights.</summary>
    /// <returns>The weights.</returns>
    public static T5TrainedWeights LoadEmbedded()
    {
        using Stream stream = typeof(DemoModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The demo model's weights are missing from the tool's resources.");
        return T5TrainedWeights.Load(stream, "synthie-demo.weights");
    }

    /// <summary>Gets the embedded weights file's size in bytes.</summary>
    public static long EmbeddedSize()
    {
        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName);
        return stream?.Length ?? 0;
    }
}

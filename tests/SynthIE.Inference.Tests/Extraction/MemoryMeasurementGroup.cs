namespace SynthIE.Inference.Tests.Extraction;

/// <summary>Tests that measure process memory: xUnit runs this collection after the others, with nothing in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementGroup
{
    public const string Name = "Memory measurements (run alone)";
}

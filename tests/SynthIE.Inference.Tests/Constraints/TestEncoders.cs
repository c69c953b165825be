using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>The tokenizer the constraint tests use.</summary>
internal static class TestEncoders
{
    public static ITokenSequenceEncoder T5 => PrecomputedEncoder.Instance;
}

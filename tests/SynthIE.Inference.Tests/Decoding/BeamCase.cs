using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>One row of the beam-search table: options, scripted logits, the expected sequences and step count.</summary>
internal sealed record BeamCase(
    string Name,
    DecodingOptions Options,
    ScriptedLogits Script,
    (string Tokens, double Score, FinishReason Reason)[] Expected,
    int ExpectedSteps)
{
    /// <summary>An expected sequence that ended with the end token.</summary>
    public static (string, double, FinishReason) Eos(string tokens, double score) => (tokens, score, FinishReason.EndOfSequence);

    /// <summary>An expected sequence that reached the maximum length.</summary>
    public static (string, double, FinishReason) MaxLength(string tokens, double score) => (tokens, score, FinishReason.MaxLength);
}

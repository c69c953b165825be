using SynthIE.Inference.Constraints;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>The project's T5 tokenizer on the shared spiece.model, loaded once for the constraint tests.</summary>
internal static class TestEncoders
{
    private static readonly Lazy<T5Tokenizer> Tokenizer =
        new(() => T5Tokenizer.FromSentencePieceModel(SharedData.File("data/t5-tokenizer/spiece.model")));

    public static T5Tokenizer T5Tokenizer => Tokenizer.Value;

    public static ITokenSequenceEncoder T5 => T5TokenSequenceEncoder.For(Tokenizer.Value);
}

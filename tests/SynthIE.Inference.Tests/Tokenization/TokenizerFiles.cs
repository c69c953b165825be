using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>The shared T5 tokenizer files, each loaded once for all tokenizer tests.</summary>
internal static class TokenizerFiles
{
    private static readonly Lazy<T5Tokenizer> FromModel = new(() => T5Tokenizer.FromSentencePieceModel(SpieceModelPath));
    private static readonly Lazy<T5Tokenizer> FromJson = new(() => T5Tokenizer.FromTokenizerJson(TokenizerJsonPath));

    public static string SpieceModelPath => SharedData.File("data/t5-tokenizer/spiece.model");

    public static string TokenizerJsonPath => SharedData.File("data/t5-tokenizer/tokenizer.json");

    public static string HuggingFaceCasesPath => SharedData.File("data/t5-tokenizer/hf-t5tokenizer-cases.json");

    /// <summary>Gets the tokenizer loaded from spiece.model.</summary>
    public static T5Tokenizer SentencePiece => FromModel.Value;

    /// <summary>Gets the tokenizer loaded from tokenizer.json.</summary>
    public static T5Tokenizer Json => FromJson.Value;

    /// <summary>Gets the tokenizer for a loader name used in theory data: "spiece.model" or "tokenizer.json".</summary>
    public static T5Tokenizer ByLoader(string loader) => loader switch
    {
        "spiece.model" => SentencePiece,
        "tokenizer.json" => Json,
        _ => throw new ArgumentOutOfRangeException(nameof(loader), loader, "Unknown loader."),
    };
}

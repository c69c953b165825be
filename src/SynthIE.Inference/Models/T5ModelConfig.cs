using System.Text.Json;

namespace SynthIE.Inference.Models;

/// <summary>
/// The fields of a T5 <c>config.json</c> (and <c>generation_config.json</c>) that decoding needs.
/// </summary>
public sealed class T5ModelConfig
{
    /// <summary>Gets the hidden size (<c>d_model</c>).</summary>
    public required int ModelDimension { get; init; }

    /// <summary>Gets the size of one attention head (<c>d_kv</c>).</summary>
    public required int HeadDimension { get; init; }

    /// <summary>Gets the number of attention heads (<c>num_heads</c>).</summary>
    public required int HeadCount { get; init; }

    /// <summary>Gets the number of encoder layers (<c>num_layers</c>).</summary>
    public required int EncoderLayerCount { get; init; }

    /// <summary>Gets the number of decoder layers (<c>num_decoder_layers</c>, defaulting to <c>num_layers</c>).</summary>
    public required int DecoderLayerCount { get; init; }

    /// <summary>Gets the width of the logits (<c>vocab_size</c>; 32,128 for flan-t5).</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Gets the token the decoder starts from (<c>decoder_start_token_id</c>, 0 for T5).</summary>
    public int DecoderStartTokenId { get; init; }

    /// <summary>Gets the end-of-sequence token (<c>eos_token_id</c>, 1 for T5).</summary>
    public int EndOfSequenceTokenId { get; init; } = 1;

    /// <summary>Gets the padding token (<c>pad_token_id</c>, 0 for T5).</summary>
    public int PadTokenId { get; init; }

    /// <summary>Reads <c>config.json</c> and, when present beside it, <c>generation_config.json</c> (whose token ids win).</summary>
    /// <param name="configPath">Path of <c>config.json</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelLoadException">A file is missing or malformed, or a required field is missing or invalid.</exception>
    public static T5ModelConfig Load(string configPath)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        using JsonDocument config = ReadJson(configPath);
        JsonElement root = config.RootElement;
        if (root.TryGetProperty("model_type", out JsonElement modelType) && modelType.ValueKind == JsonValueKind.String
            && !string.Equals(modelType.GetString(), "t5", StringComparison.Ordinal))
        {
            throw new ModelLoadException(configPath, $"\"model_type\" is \"{modelType.GetString()}\"; only T5 models (\"t5\") are supported.");
        }

        int layers = RequiredPositive(root, "num_layers", configPath);
        int startToken = OptionalInt(root, "decoder_start_token_id", configPath) ?? 0;
        int eos = OptionalInt(root, "eos_token_id", configPath) ?? 1;
        int pad = OptionalInt(root, "pad_token_id", configPath) ?? 0;

        string generationPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, "generation_config.json");
        if (File.Exists(generationPath))
        {
            using JsonDocument generation = ReadJson(generationPath);
            startToken = OptionalInt(generation.RootElement, "decoder_start_token_id", generationPath) ?? startToken;
            eos = OptionalInt(generation.RootElement, "eos_token_id", generationPath) ?? eos;
            pad = OptionalInt(generation.RootElement, "pad_token_id", generationPath) ?? pad;
        }

        return new T5ModelConfig
        {
            ModelDimension = RequiredPositive(root, "d_model", configPath),
            HeadDimension = RequiredPositive(root, "d_kv", configPath),
            HeadCount = RequiredPositive(root, "num_heads", configPath),
            EncoderLayerCount = layers,
            DecoderLayerCount = OptionalInt(root, "num_decoder_layers", configPath) is int decoderLayers && decoderLayers > 0 ? decoderLayers : layers,
            VocabularySize = RequiredPositive(root, "vocab_size", configPath),
            DecoderStartTokenId = startToken,
            EndOfSequenceTokenId = eos,
            PadTokenId = pad,
        };
    }

    private static JsonDocument ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "file not found.");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException error)
        {
            throw new ModelLoadException(path, $"not valid JSON ({error.Message})", error);
        }
    }

    private static int RequiredPositive(JsonElement root, string field, string path)
    {
        int? value = OptionalInt(root, field, path) ?? throw new ModelLoadException(path, $"required field \"{field}\" is missing.");
        if (value <= 0)
        {
            throw new ModelLoadException(path, $"field \"{field}\" must be a positive integer, not {value}.");
        }

        return value.Value;
    }

    private static int? OptionalInt(JsonElement root, string field, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(path, "the top level must be a JSON object.");
        }

        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
        {
            value = value[0]; // eos_token_id may be a list in newer configs; T5 has one.
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
        {
            throw new ModelLoadException(path, $"field \"{field}\" must be an integer, not {value.GetRawText()}.");
        }

        return result;
    }
}

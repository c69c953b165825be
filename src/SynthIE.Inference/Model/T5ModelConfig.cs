using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Model;

/// <summary>
/// The fields of a T5 <c>config.json</c> (and <c>generation_config.json</c>) that decoding needs.
/// </summary>
internal sealed class T5ModelConfig
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
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(configPath, $"the top level must be a JSON object, not {JsonValueKinds.Describe(root)}.");
        }

        if (root.TryGetProperty("model_type", out JsonElement modelType) && modelType.ValueKind == JsonValueKind.String
            && !string.Equals(modelType.GetString(), "t5", StringComparison.Ordinal))
        {
            throw new ModelLoadException(configPath, $"\"model_type\" is {DisplayText.Quote(modelType.GetString())}; only T5 models (\"t5\") are supported.");
        }

        // Sizes are checked against SynthIELimits before anything is sized by them.
        int layers = RequiredPositive(root, "num_layers", configPath, SynthIELimits.MaxLayers);
        int decoderLayers = OptionalInt(root, "num_decoder_layers", configPath) is int d && d > 0 ? d : layers;
        CheckMaximum(decoderLayers, "num_decoder_layers", configPath, SynthIELimits.MaxLayers);
        int vocabulary = RequiredPositive(root, "vocab_size", configPath, SynthIELimits.MaxVocabularySize);
        var tokens = new TokenIdField[]
        {
            new("decoder_start_token_id", OptionalInt(root, "decoder_start_token_id", configPath) ?? 0, configPath),
            new("eos_token_id", OptionalInt(root, "eos_token_id", configPath) ?? 1, configPath),
            new("pad_token_id", OptionalInt(root, "pad_token_id", configPath) ?? 0, configPath),
        };

        string generationPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, "generation_config.json");
        if (File.Exists(generationPath))
        {
            using JsonDocument generation = ReadJson(generationPath);
            if (generation.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(generationPath, $"the top level must be a JSON object, not {JsonValueKinds.Describe(generation.RootElement)}.");
            }

            for (int i = 0; i < tokens.Length; i++)
            {
                if (OptionalInt(generation.RootElement, tokens[i].Field, generationPath) is int id)
                {
                    tokens[i] = new(tokens[i].Field, id, generationPath);
                }
            }
        }

        foreach (TokenIdField token in tokens)
        {
            if (token.Value < 0 || token.Value >= vocabulary)
            {
                throw new ModelLoadException(token.Path, $"field \"{token.Field}\" is {token.Value}, not a token id of this model (0 to vocab_size - 1 = {vocabulary - 1}).");
            }
        }

        return new T5ModelConfig
        {
            ModelDimension = RequiredPositive(root, "d_model", configPath, SynthIELimits.MaxDimension),
            HeadDimension = RequiredPositive(root, "d_kv", configPath, SynthIELimits.MaxDimension),
            HeadCount = RequiredPositive(root, "num_heads", configPath, SynthIELimits.MaxHeads),
            EncoderLayerCount = layers,
            DecoderLayerCount = decoderLayers,
            VocabularySize = vocabulary,
            DecoderStartTokenId = tokens[0].Value,
            EndOfSequenceTokenId = tokens[1].Value,
            PadTokenId = tokens[2].Value,
        };
    }

    /// <summary>How a JSON file's options are read: comments and trailing commas allowed, nesting up to 1,024 deep
    /// (ignored fields may hold deep values; System.Text.Json's default of 64 rejects valid files).</summary>
    internal static JsonDocumentOptions JsonOptions { get; } = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 1024,
    };

    private static void CheckMaximum(int value, string field, string path, int maximum)
    {
        if (value > maximum)
        {
            throw new ModelLoadException(path, $"field \"{field}\" is {value}, more than this library's limit of {maximum} (SynthIELimits).");
        }
    }

    private static JsonDocument ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "file not found.");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException error)
        {
            throw new ModelLoadException(path, $"not valid JSON ({error.Message})", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read ({error.Message})", error);
        }
    }

    private static int RequiredPositive(JsonElement root, string field, string path, int maximum)
    {
        int? value = OptionalInt(root, field, path) ?? throw new ModelLoadException(path, $"required field \"{field}\" is missing.");
        if (value <= 0)
        {
            throw new ModelLoadException(path, $"field \"{field}\" must be a positive integer, not {value}.");
        }

        CheckMaximum(value.Value, field, path, maximum);
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
            throw new ModelLoadException(path, $"field \"{field}\" must be an integer, not {DisplayText.Escape(value.GetRawText())}.");
        }

        return result;
    }

    private readonly record struct TokenIdField(string Field, int Value, string Path);
}

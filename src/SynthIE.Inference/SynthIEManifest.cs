using System.Text.Json;
using SynthIE.Inference.Internal;
using SynthIE.Inference.Model;

namespace SynthIE.Inference;

/// <summary>
/// The model directory's own manifest, <c>synthie.json</c>: how the model linearizes facts, its generation defaults,
/// and where its world (the names decoding is constrained to) lives. Every field is optional; see <c>models/README.md</c>.
/// </summary>
/// <remarks>
/// Schema (version 1):
/// <code>
/// {
///   "schema_version": 1,
///   "name": "synthie_base_sc",                 // free text, shown in logs
///   "linearization": "subject_collapsed",      // or "fully_expanded", "fully_expanded_et"
///   "length_penalty": 0.6,                     // SynthIE: 0.6 base-SC, 0.8 base-FE and large-FE
///   "num_beams": 10,
///   "max_new_tokens": 256,
///   "max_input_tokens": 256,
///   "world": "world"                           // folder (SynthIE layout or simple files), relative to the model directory
/// }
/// </code>
/// </remarks>
public sealed class SynthIEManifest
{
    /// <summary>The file name looked for in a model directory.</summary>
    public const string FileName = "synthie.json";

    /// <summary>The schema version this library reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Gets the model's display name, exactly as written in the file.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Gets <see cref="Name"/> safe to print: control characters (terminal escape sequences among them) written as
    /// <c>\uXXXX</c>, and cut after 200 characters with a note of the full length; <see langword="null"/> without a name.
    /// </summary>
    public string? DisplayName => Name is null ? null : DisplayText.Escape(Name);

    /// <summary>Gets the linearization name as written in the manifest (<c>subject_collapsed</c>, <c>fully_expanded</c> or <c>fully_expanded_et</c>).</summary>
    public string Linearization { get; init; } = "fully_expanded";

    /// <summary>Gets the default length penalty.</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>Gets the default number of beams.</summary>
    public int NumBeams { get; init; } = 10;

    /// <summary>Gets the default maximum number of generated tokens.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Gets the maximum number of input tokens (longer inputs are truncated).</summary>
    public int MaxInputTokens { get; init; } = 256;

    /// <summary>Gets the world's location, absolute or relative to the model directory; <see langword="null"/> when none is declared.</summary>
    public string? World { get; init; }

    /// <summary>Reads a manifest file.</summary>
    /// <param name="path">Path of <c>synthie.json</c>.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ModelLoadException">The file is malformed or a field has a wrong type or value.</exception>
    public static SynthIEManifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), T5ModelConfig.JsonOptions);
        }
        catch (JsonException error)
        {
            throw new ModelLoadException(path, $"not valid JSON ({error.Message})", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read ({error.Message})", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(path, $"the top level must be a JSON object, not {JsonValueKinds.Describe(root)}.");
            }

            var known = new HashSet<string>(StringComparer.Ordinal) { "schema_version", "name", "linearization", "length_penalty", "num_beams", "max_new_tokens", "max_input_tokens", "world" };
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    throw new ModelLoadException(path, $"unknown field {DisplayText.Quote(property.Name)} (known fields: {string.Join(", ", known)}).");
                }
            }

            int version = Int(root, "schema_version", path) ?? CurrentSchemaVersion;
            if (version != CurrentSchemaVersion)
            {
                throw new ModelLoadException(path, $"\"schema_version\" is {version}; this library reads version {CurrentSchemaVersion}.");
            }

            string linearization = String(root, "linearization", path) ?? "fully_expanded";
            if (linearization is not ("fully_expanded" or "subject_collapsed" or "fully_expanded_et"))
            {
                throw new ModelLoadException(path, $"\"linearization\" is {DisplayText.Quote(linearization)}; expected \"fully_expanded\", \"subject_collapsed\" or \"fully_expanded_et\".");
            }

            var manifest = new SynthIEManifest
            {
                Name = String(root, "name", path),
                Linearization = linearization,
                LengthPenalty = Number(root, "length_penalty", path) ?? 1.0,
                NumBeams = Positive(root, "num_beams", path, SynthIELimits.MaxNumBeams) ?? 10,
                MaxNewTokens = Positive(root, "max_new_tokens", path, SynthIELimits.MaxTokens) ?? 256,
                MaxInputTokens = Positive(root, "max_input_tokens", path, SynthIELimits.MaxTokens) ?? 256,
                World = WorldPath(root, path),
            };
            return manifest;
        }
    }

    /// <summary>Writes this manifest as JSON.</summary>
    /// <param name="path">Destination file (overwritten).</param>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("schema_version", CurrentSchemaVersion);
        if (Name is not null)
        {
            writer.WriteString("name", Name);
        }

        writer.WriteString("linearization", Linearization);
        writer.WriteNumber("length_penalty", LengthPenalty);
        writer.WriteNumber("num_beams", NumBeams);
        writer.WriteNumber("max_new_tokens", MaxNewTokens);
        writer.WriteNumber("max_input_tokens", MaxInputTokens);
        if (World is not null)
        {
            writer.WriteString("world", World);
        }

        writer.WriteEndObject();
    }

    private static string? String(JsonElement root, string field, string path)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ModelLoadException(path, $"\"{field}\" must be a string, not {DisplayText.Escape(value.GetRawText())}.");
    }

    private static int? Int(JsonElement root, string field, string path)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new ModelLoadException(path, $"\"{field}\" must be an integer, not {DisplayText.Escape(value.GetRawText())}.");
    }

    private static int? Positive(JsonElement root, string field, string path, int maximum)
    {
        int? value = Int(root, field, path);
        return value is null || (value > 0 && value <= maximum)
            ? value
            : throw new ModelLoadException(path, $"\"{field}\" must be a positive integer no larger than {maximum} (SynthIELimits), not {value}.");
    }

    private static string? WorldPath(JsonElement root, string path)
    {
        string? world = String(root, "world", path);
        if (world is not null && (world.Length == 0 || world.Contains('\0', StringComparison.Ordinal) || world.Length > 4096))
        {
            throw new ModelLoadException(path, $"\"world\" is {DisplayText.Quote(world)}, not a folder path.");
        }

        return world;
    }

    private static double? Number(JsonElement root, string field, string path)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double result) && double.IsFinite(result)
            ? result
            : throw new ModelLoadException(path, $"\"{field}\" must be a number, not {DisplayText.Escape(value.GetRawText())}.");
    }
}

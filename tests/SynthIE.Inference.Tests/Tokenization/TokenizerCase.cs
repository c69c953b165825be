using System.Text.Json;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>One expected encoding: a text and its ids (with the end token), optionally its decoding with special tokens.</summary>
internal sealed record TokenizerCase(string Text, int[] Ids, string? DecodedWithSpecial)
{
    /// <summary>Reads a case file: <c>{"cases":[{"text": str, "ids": [int], "decoded_with_special"?: str}]}</c>.</summary>
    public static IReadOnlyList<TokenizerCase> ReadFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream);
        if (!document.RootElement.TryGetProperty("cases", out JsonElement cases) || cases.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: expected {{\"cases\": [...]}}.");
        }

        List<TokenizerCase> result = [];
        int index = 0;
        foreach (JsonElement item in cases.EnumerateArray())
        {
            if (!item.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("ids", out JsonElement ids) || ids.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}: case {index} needs a string 'text' and an array 'ids'.");
            }

            string? decoded = item.TryGetProperty("decoded_with_special", out JsonElement d) && d.ValueKind == JsonValueKind.String
                ? d.GetString()
                : null;
            result.Add(new TokenizerCase(text.GetString()!, [.. ids.EnumerateArray().Select(e => e.GetInt32())], decoded));
            index++;
        }

        return result;
    }
}

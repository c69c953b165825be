using System.Globalization;
using System.Text.Json;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is a Unigram converted from a T5 SentencePiece model:
/// <c>model.vocab</c> ([piece, score] pairs; the trailing <c>&lt;extra_id_N&gt;</c> entries become the extra ids),
/// <c>model.unk_id</c>, the <c>Precompiled</c> normalizer's <c>precompiled_charsmap</c> (alone or in a Sequence) and the
/// <c>Metaspace</c> pre-tokenizer's <c>add_prefix_space</c>. Pieces listed as special added tokens become control
/// pieces (the unknown one the unknown piece). Whitespace handling is SentencePiece's (remove extra whitespace, escape
/// spaces), which is what the slow tokenizer does; the json's <c>Replace</c>/<c>WhitespaceSplit</c> steps, which the
/// fast tokenizer uses instead, are not applied.
/// </summary>
internal static class TokenizerJsonReader
{
    private const string ExtraIdPrefix = "<extra_id_";

    public static SentencePieceModelData Read(Stream stream, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return Read(document.RootElement, sourceName);
        }
    }

    private static SentencePieceModelData Read(JsonElement root, string sourceName)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(sourceName, "the top level is not an object");
        }

        JsonElement model = Property(root, "model", JsonValueKind.Object, sourceName, "model");
        string type = Property(model, "type", JsonValueKind.String, sourceName, "model.type").GetString()!;
        if (type != "Unigram")
        {
            throw Invalid(sourceName, $"model.type is '{type}'; a T5 tokenizer is 'Unigram'");
        }

        if (model.TryGetProperty("byte_fallback", out JsonElement byteFallback) && byteFallback.ValueKind == JsonValueKind.True)
        {
            throw Invalid(sourceName, "model.byte_fallback is true; T5 vocabularies have no byte fallback and this tokenizer does not support it");
        }

        JsonElement unk = Property(model, "unk_id", JsonValueKind.Number, sourceName, "model.unk_id");
        if (!unk.TryGetInt32(out int unkId))
        {
            throw Invalid(sourceName, $"model.unk_id is {unk.GetRawText()}");
        }

        JsonElement vocab = Property(model, "vocab", JsonValueKind.Array, sourceName, "model.vocab");
        int total = vocab.GetArrayLength();
        string[] allPieces = new string[total];
        float[] allScores = new float[total];
        int index = 0;
        foreach (JsonElement entry in vocab.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2
                || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.Number)
            {
                throw Invalid(sourceName, $"model.vocab[{index}] is not a [piece, score] pair: {Shorten(entry.GetRawText())}");
            }

            allPieces[index] = entry[0].GetString()!;
            allScores[index] = (float)entry[1].GetDouble();
            index++;
        }

        int extraIds = CountExtraIds(allPieces, sourceName);
        int pieceCount = total - extraIds;
        HashSet<string> special = SpecialAddedTokens(root, sourceName);
        SentencePieceType[] types = new SentencePieceType[pieceCount];
        for (int id = 0; id < pieceCount; id++)
        {
            types[id] = id == unkId ? SentencePieceType.Unknown
                : special.Contains(allPieces[id]) ? SentencePieceType.Control
                : SentencePieceType.Normal;
        }

        if ((uint)unkId >= (uint)pieceCount)
        {
            throw Invalid(sourceName, $"model.unk_id {unkId} is not the id of a piece (0 to {pieceCount - 1})");
        }

        byte[] charsMap = FindPrecompiledCharsMap(root, sourceName);
        bool addPrefixSpace = FindAddPrefixSpace(root);
        SentencePieceModelData data = new(
            sourceName, allPieces[..pieceCount], allScores[..pieceCount], types, charsMap,
            addDummyPrefix: addPrefixSpace, removeExtraWhitespaces: true, escapeWhitespaces: true, extraIdCount: extraIds);
        data.Validate();
        return data;
    }

    /// <summary>Counts the trailing <c>&lt;extra_id_N&gt;</c> entries, which must run from the highest N down to 0.</summary>
    private static int CountExtraIds(string[] pieces, string sourceName)
    {
        int count = 0;
        while (count < pieces.Length && pieces[pieces.Length - 1 - count].StartsWith(ExtraIdPrefix, StringComparison.Ordinal))
        {
            count++;
        }

        for (int k = 0; k < count; k++)
        {
            int id = pieces.Length - count + k;
            string expected = string.Concat(ExtraIdPrefix, (count - 1 - k).ToString(CultureInfo.InvariantCulture), ">");
            if (pieces[id] != expected)
            {
                throw Invalid(sourceName, $"model.vocab[{id}] is '{pieces[id]}' where the sentinel tokens at the end of the vocabulary must read {expected}");
            }
        }

        return count;
    }

    private static HashSet<string> SpecialAddedTokens(JsonElement root, string sourceName)
    {
        HashSet<string> special = new(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out JsonElement added) || added.ValueKind == JsonValueKind.Null)
        {
            return special;
        }

        if (added.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(sourceName, "added_tokens is not an array");
        }

        foreach (JsonElement token in added.EnumerateArray())
        {
            if (token.ValueKind == JsonValueKind.Object
                && token.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String
                && token.TryGetProperty("special", out JsonElement isSpecial) && isSpecial.ValueKind == JsonValueKind.True)
            {
                _ = special.Add(content.GetString()!);
            }
        }

        return special;
    }

    private static byte[] FindPrecompiledCharsMap(JsonElement root, string sourceName)
    {
        if (!root.TryGetProperty("normalizer", out JsonElement normalizer) || normalizer.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        JsonElement? precompiled = FindByType(normalizer, "Precompiled", "normalizers");
        if (precompiled is null)
        {
            return [];
        }

        if (!precompiled.Value.TryGetProperty("precompiled_charsmap", out JsonElement blob) || blob.ValueKind != JsonValueKind.String)
        {
            throw Invalid(sourceName, "the Precompiled normalizer has no precompiled_charsmap string");
        }

        try
        {
            return Convert.FromBase64String(blob.GetString()!);
        }
        catch (FormatException)
        {
            throw Invalid(sourceName, "the Precompiled normalizer's precompiled_charsmap is not base64");
        }
    }

    private static bool FindAddPrefixSpace(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out JsonElement preTokenizer) || preTokenizer.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        JsonElement? metaspace = FindByType(preTokenizer, "Metaspace", "pretokenizers");
        if (metaspace is null)
        {
            return true;
        }

        if (metaspace.Value.TryGetProperty("add_prefix_space", out JsonElement add) && add.ValueKind == JsonValueKind.False)
        {
            return false;
        }

        return !(metaspace.Value.TryGetProperty("prepend_scheme", out JsonElement scheme)
            && scheme.ValueKind == JsonValueKind.String && scheme.GetString() == "never");
    }

    private static JsonElement? FindByType(JsonElement element, string type, string sequenceProperty)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out JsonElement kind) || kind.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        if (kind.GetString() == type)
        {
            return element;
        }

        if (kind.GetString() == "Sequence" && element.TryGetProperty(sequenceProperty, out JsonElement items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in items.EnumerateArray())
            {
                JsonElement? found = FindByType(item, type, sequenceProperty);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind, string sourceName, string path)
    {
        if (!parent.TryGetProperty(name, out JsonElement value))
        {
            throw Invalid(sourceName, $"{path} is missing");
        }

        if (value.ValueKind != kind)
        {
            throw Invalid(sourceName, $"{path} is {value.ValueKind}, expected {kind}");
        }

        return value;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");

    private static InvalidDataException Invalid(string sourceName, string what) =>
        new($"{sourceName}: not a usable T5 tokenizer.json: {what}.");
}

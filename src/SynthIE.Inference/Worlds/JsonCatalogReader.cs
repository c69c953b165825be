using System.Text;
using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads a <c>.json</c> catalog (an object from id to label or to a list whose first item is the label, like
/// <c>pid2name.json</c>, or a list of plain names) and SynthIE's world id lists (<c>entities.json</c>,
/// <c>relations.json</c>).
/// </summary>
internal static class JsonCatalogReader
{
    /// <summary>Adds every entry of the file to <paramref name="builder"/>.</summary>
    /// <param name="builder">The catalog being built.</param>
    /// <param name="path">The file.</param>
    public static void AddTo(WorldCatalogBuilder builder, string path)
    {
        var ids = new Utf8TextScratch();
        var labels = new Utf8TextScratch();
        byte[] bytes = File.ReadAllBytes(path);
        var lines = new LineCounter(bytes);
        long current = 1;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 1024 });
            if (!reader.Read())
            {
                throw new WorldFileException(path, 0, "the file is empty.");
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    long line = lines.LineOf(reader.TokenStartIndex);
                    current = line;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new WorldFileException(path, line, $"expected a list of names (strings) but found {reader.TokenType}.");
                    }

                    builder.AddName(WorldFileText.Chars(labels, labels.Bytes(ref reader), path, line), path, line);
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    long line = lines.LineOf(reader.TokenStartIndex);
                    current = line;
                    ReadOnlySpan<char> id = WorldFileText.Chars(ids, ids.Bytes(ref reader), path, line);
                    if (id.IsEmpty)
                    {
                        throw new WorldFileException(path, line, "an id (property name) is empty.");
                    }

                    reader.Read();
                    bool found = false;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        builder.Add(id, WorldFileText.Chars(labels, labels.Bytes(ref reader), path, line), path, line);
                        found = true;
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        int depth = reader.CurrentDepth;
                        if (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            builder.Add(id, WorldFileText.Chars(labels, labels.Bytes(ref reader), path, line), path, line);
                            found = true;
                        }

                        while (!(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
                        {
                            reader.Read();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    if (!found)
                    {
                        throw new WorldFileException(path, line, $"the value for id '{DisplayText.Escape(id.ToString())}' must be a label or a list starting with the label.");
                    }
                }
            }
            else
            {
                throw new WorldFileException(path, 1, "expected a JSON object (id → label) or a list of names.");
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw Unreadable(path, current, exception);
        }
    }

    /// <summary>Reads a JSON list of ids into a table (UTF-8, no strings); repeats are counted.</summary>
    /// <param name="path">The id list (<c>entities.json</c> or <c>relations.json</c>).</param>
    /// <param name="builder">Where repeated ids are counted.</param>
    /// <returns>The ids, each once.</returns>
    public static Utf8StringTable ReadIdList(string path, WorldCatalogBuilder builder)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var lines = new LineCounter(bytes);
        var scratch = new Utf8TextScratch();
        long current = 1;
        try
        {
            // Count first so that the table is allocated once at its final size.
            var counter = new Utf8JsonReader(bytes);
            int count = 0;
            while (counter.Read())
            {
                count += counter.TokenType == JsonTokenType.String ? 1 : 0;
            }

            var wanted = new Utf8StringTable(count);
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new WorldFileException(path, 1, "expected a JSON list of ids, like [\"Q42\", \"Q5\"].");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new WorldFileException(path, lines.LineOf(reader.TokenStartIndex), $"expected an id (string) in the list but found {reader.TokenType}.");
                }

                current = lines.LineOf(reader.TokenStartIndex);
                ReadOnlySpan<byte> id = scratch.Bytes(ref reader);
                if (id.IsEmpty)
                {
                    throw new WorldFileException(path, lines.LineOf(reader.TokenStartIndex), "an id in the list is empty.");
                }

                wanted.AddUtf8(id, out bool added);
                if (!added)
                {
                    // SynthIE reads the list into a set; a repeated id is the same entity.
                    builder.Skip(WorldIssueKind.DuplicateEntry, path, lines.LineOf(reader.TokenStartIndex), Encoding.UTF8.GetString(id), null);
                }
            }

            if (reader.Read())
            {
                throw new WorldFileException(path, lines.LineOf(reader.TokenStartIndex), "unexpected content after the list.");
            }

            wanted.TrimExcess();
            return wanted;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw Unreadable(path, current, exception);
        }
    }

    /// <summary>The error for what <see cref="Utf8JsonReader"/> refused: malformed JSON (its own line), or a string that is
    /// not valid text (the line being read).</summary>
    private static WorldFileException Unreadable(string path, long line, Exception exception) => exception is JsonException json
        ? new WorldFileException(path, (json.LineNumber ?? -1) + 1, $"malformed JSON ({json.Message}).", json)
        : new WorldFileException(path, line, $"a string is not valid text: invalid UTF-8 or an escaped lone surrogate ({exception.Message}).", exception);
}

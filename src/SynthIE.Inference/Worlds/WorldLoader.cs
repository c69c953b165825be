using System.Text;
using System.Text.Json;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads worlds and catalogs from files: SynthIE's own layout (<c>constrained_worlds/&lt;world&gt;/entities.json</c> and
/// <c>relations.json</c> with <c>id2name_mappings/entity_mapping.jsonl</c> and <c>relation_mapping.jsonl</c>), or simple
/// catalog files. Malformed content throws <see cref="WorldFileException"/> naming the file and line; a missing file
/// throws <see cref="FileNotFoundException"/>; entries that are left out are counted in <see cref="WorldCatalog.Report"/>.
/// </summary>
public static class WorldLoader
{
    /// <summary>
    /// Loads a SynthIE constrained world from SynthIE's data folder:
    /// <c>&lt;dataDirectory&gt;/constrained_worlds/&lt;worldName&gt;/{entities,relations}.json</c> and
    /// <c>&lt;dataDirectory&gt;/id2name_mappings/{entity,relation}_mapping.jsonl</c>.
    /// </summary>
    /// <param name="dataDirectory">SynthIE's <c>data</c> folder.</param>
    /// <param name="worldName">The world, e.g. <c>genie</c> or <c>rebel</c>.</param>
    /// <returns>The world.</returns>
    public static World LoadSynthIE(string dataDirectory, string worldName)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(worldName);
        return LoadSynthIE(
            Path.Combine(dataDirectory, "constrained_worlds", worldName),
            Path.Combine(dataDirectory, "id2name_mappings", "entity_mapping.jsonl"),
            Path.Combine(dataDirectory, "id2name_mappings", "relation_mapping.jsonl"));
    }

    /// <summary>
    /// Loads a SynthIE constrained world: the id lists in <paramref name="worldDirectory"/> (<c>entities.json</c>,
    /// <c>relations.json</c>: JSON lists of ids) named through the mapping files (<c>{"id": …, "en_label": …}</c> per
    /// line). As in SynthIE, entity names get <c>_</c> for spaces, relation names spaces for <c>_</c>, ids without a
    /// name in the mapping are left out (counted as <see cref="WorldIssueKind.MissingLabel"/>), and an id named twice
    /// takes its last name (counted as <see cref="WorldIssueKind.ConflictingLabel"/>).
    /// </summary>
    /// <param name="worldDirectory">The folder with <c>entities.json</c> and <c>relations.json</c>.</param>
    /// <param name="entityMappingPath">The entity id→name mapping (JSON lines).</param>
    /// <param name="relationMappingPath">The relation id→name mapping (JSON lines).</param>
    /// <returns>The world.</returns>
    public static World LoadSynthIE(string worldDirectory, string entityMappingPath, string relationMappingPath)
    {
        ArgumentNullException.ThrowIfNull(worldDirectory);
        string entitiesPath = Path.Combine(worldDirectory, "entities.json");
        string relationsPath = Path.Combine(worldDirectory, "relations.json");
        RequireFile(entitiesPath, "the world's entity id list");
        RequireFile(relationsPath, "the world's relation id list");
        RequireFile(entityMappingPath, "the entity id→name mapping");
        RequireFile(relationMappingPath, "the relation id→name mapping");
        WorldCatalog entities = LoadMappingFor(ReadIdList(entitiesPath), entityMappingPath, WorldItemKind.Entity);
        WorldCatalog relations = LoadMappingFor(ReadIdList(relationsPath), relationMappingPath, WorldItemKind.Relation);
        return new World(entities, relations);
    }

    /// <summary>Loads a world from two catalog files (see <see cref="LoadCatalog"/> for the formats).</summary>
    /// <param name="entitiesPath">The entity catalog file.</param>
    /// <param name="relationsPath">The relation catalog file.</param>
    /// <returns>The world.</returns>
    public static World Load(string entitiesPath, string relationsPath) =>
        new(LoadCatalog(entitiesPath, WorldItemKind.Entity), LoadCatalog(relationsPath, WorldItemKind.Relation));

    /// <summary>
    /// Loads one catalog file, chosen by extension:
    /// <list type="bullet">
    /// <item><c>.jsonl</c>: one object a line with <c>"id"</c> and <c>"en_label"</c> (or <c>"label"</c>); other fields are ignored.</item>
    /// <item><c>.tsv</c>: <c>id&lt;TAB&gt;label</c> a line (further columns ignored; a first line <c>id&lt;TAB&gt;label</c> is a header).</item>
    /// <item><c>.json</c>: an object from id to label (or to a list whose first item is the label, like
    /// <c>pid2name.json</c>), or a list of plain names.</item>
    /// <item>anything else: one plain name a line.</item>
    /// </list>
    /// Blank lines are ignored. Labels are spelled the SynthIE way for <paramref name="kind"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">Entities or relations.</param>
    /// <returns>The catalog.</returns>
    public static WorldCatalog LoadCatalog(string path, WorldItemKind kind)
    {
        RequireFile(path, $"the {kind.ToString().ToLowerInvariant()} catalog");
        string extension = Path.GetExtension(path).ToLowerInvariant();
        var builder = new WorldCatalogBuilder(kind);
        switch (extension)
        {
            case ".jsonl":
                Utf8LineReader.ForEachLine(path, (line, number) =>
                {
                    if (!IsBlank(line))
                    {
                        (string id, string label) = ParseMappingLine(line, path, number);
                        builder.Add(id, label, path, number);
                    }
                });
                break;
            case ".tsv":
                Utf8LineReader.ForEachLine(path, (line, number) => AddTsvLine(builder, line, path, number));
                break;
            case ".json":
                AddJsonCatalog(builder, path);
                break;
            default:
                Utf8LineReader.ForEachLine(path, (line, number) =>
                {
                    if (!IsBlank(line))
                    {
                        builder.Add(null, Decode(line, path, number), path, number);
                    }
                });
                break;
        }

        return builder.Build();
    }

    private static void RequireFile(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Cannot load {what}: {Path.GetFullPath(path)} does not exist.", path);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r\f\v"u8).IsEmpty;

    private static string Decode(ReadOnlySpan<byte> bytes, string path, long lineNumber)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException exception)
        {
            throw new WorldFileException(path, lineNumber, "the line is not valid UTF-8.", exception);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void AddTsvLine(WorldCatalogBuilder builder, ReadOnlySpan<byte> line, string path, long lineNumber)
    {
        if (IsBlank(line))
        {
            return;
        }

        int tab = line.IndexOf((byte)'\t');
        if (tab < 0)
        {
            throw new WorldFileException(path, lineNumber, "expected 'id<TAB>label' but the line has no tab.");
        }

        ReadOnlySpan<byte> idBytes = line[..tab].Trim(" "u8);
        ReadOnlySpan<byte> rest = line[(tab + 1)..];
        int nextTab = rest.IndexOf((byte)'\t');
        ReadOnlySpan<byte> labelBytes = nextTab < 0 ? rest : rest[..nextTab];
        if (lineNumber == 1 && idBytes.SequenceEqual("id"u8) && labelBytes.Trim(" "u8).SequenceEqual("label"u8))
        {
            return;
        }

        if (idBytes.IsEmpty)
        {
            throw new WorldFileException(path, lineNumber, "the id (first column) is empty.");
        }

        builder.Add(Decode(idBytes, path, lineNumber), Decode(labelBytes, path, lineNumber), path, lineNumber);
    }

    private static (string Id, string Label) ParseMappingLine(ReadOnlySpan<byte> line, string path, long lineNumber)
    {
        string? id = null;
        string? label = null;
        string? fallbackLabel = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new WorldFileException(path, lineNumber, "expected a JSON object like {\"id\": \"Q42\", \"en_label\": \"Douglas_Adams\"}.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = reader.ValueTextEquals("id"u8);
                bool isEnLabel = reader.ValueTextEquals("en_label"u8);
                bool isLabel = reader.ValueTextEquals("label"u8);
                reader.Read();
                if ((isId || isEnLabel || isLabel) && reader.TokenType != JsonTokenType.String)
                {
                    throw new WorldFileException(path, lineNumber, $"field '{(isId ? "id" : isEnLabel ? "en_label" : "label")}' must be a string, not {reader.TokenType}.");
                }

                if (isId)
                {
                    id = reader.GetString();
                }
                else if (isEnLabel)
                {
                    label = reader.GetString();
                }
                else if (isLabel)
                {
                    fallbackLabel = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new WorldFileException(path, lineNumber, "expected exactly one JSON object on the line.");
            }
        }
        catch (JsonException exception)
        {
            throw new WorldFileException(path, lineNumber, $"malformed JSON ({exception.Message}).", exception);
        }

        label ??= fallbackLabel;
        if (string.IsNullOrEmpty(id))
        {
            throw new WorldFileException(path, lineNumber, "the object has no \"id\" (or it is empty).");
        }

        if (label is null)
        {
            throw new WorldFileException(path, lineNumber, "the object has no \"en_label\" (or \"label\").");
        }

        return (id, label);
    }

    private static void AddJsonCatalog(WorldCatalogBuilder builder, string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read())
            {
                throw new WorldFileException(path, 0, "the file is empty.");
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    long line = LineOf(bytes, reader.TokenStartIndex);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new WorldFileException(path, line, $"expected a list of names (strings) but found {reader.TokenType}.");
                    }

                    builder.Add(null, reader.GetString()!, path, line);
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    long line = LineOf(bytes, reader.TokenStartIndex);
                    string id = reader.GetString()!;
                    reader.Read();
                    string? label = null;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        label = reader.GetString();
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        if (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            label = reader.GetString();
                        }

                        while (reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                            {
                                reader.Skip();
                            }

                            reader.Read();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    if (label is null)
                    {
                        throw new WorldFileException(path, line, $"the value for id '{id}' must be a label or a list starting with the label.");
                    }

                    if (id.Length == 0)
                    {
                        throw new WorldFileException(path, line, "an id (property name) is empty.");
                    }

                    builder.Add(id, label, path, line);
                }
            }
            else
            {
                throw new WorldFileException(path, 1, "expected a JSON object (id → label) or a list of names.");
            }
        }
        catch (JsonException exception)
        {
            throw new WorldFileException(path, (exception.LineNumber ?? -1) + 1, $"malformed JSON ({exception.Message}).", exception);
        }
    }

    private static long LineOf(byte[] bytes, long position) =>
        bytes.AsSpan(0, (int)Math.Min(position, bytes.Length)).Count((byte)'\n') + 1;

    private static List<(string Id, long Line)> ReadIdList(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var ids = new List<(string, long)>();
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new WorldFileException(path, 1, "expected a JSON list of ids, like [\"Q42\", \"Q5\"].");
            }

            long line = 1;
            long counted = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                line += bytes.AsSpan((int)counted, (int)(reader.TokenStartIndex - counted)).Count((byte)'\n');
                counted = reader.TokenStartIndex;
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new WorldFileException(path, line, $"expected an id (string) in the list but found {reader.TokenType}.");
                }

                string id = reader.GetString()!;
                if (id.Length == 0)
                {
                    throw new WorldFileException(path, line, "an id in the list is empty.");
                }

                ids.Add((id, line));
            }

            if (reader.Read())
            {
                throw new WorldFileException(path, line, "unexpected content after the list.");
            }
        }
        catch (JsonException exception)
        {
            throw new WorldFileException(path, (exception.LineNumber ?? -1) + 1, $"malformed JSON ({exception.Message}).", exception);
        }

        return ids;
    }

    private static WorldCatalog LoadMappingFor(List<(string Id, long Line)> worldIds, string mappingPath, WorldItemKind kind)
    {
        var builder = new WorldCatalogBuilder(kind, Math.Max(worldIds.Count, 16));
        var wanted = new Utf8StringTable(Math.Max(worldIds.Count, 16));
        foreach ((string id, long line) in worldIds)
        {
            wanted.Add(id, out bool added);
            if (!added)
            {
                // SynthIE reads the list into a set; a repeated id is the same entity.
                builder.Skip(WorldIssueKind.DuplicateEntry, null, line, id, null);
            }
        }

        string?[] labels = new string?[wanted.Count];
        long[] labelLines = new long[wanted.Count];
        Utf8LineReader.ForEachLine(mappingPath, (line, number) =>
        {
            if (IsBlank(line))
            {
                return;
            }

            (string id, string label) = ParseMappingLine(line, mappingPath, number);
            int index = wanted.IndexOf(id);
            if (index < 0)
            {
                return;
            }

            if (labels[index] is { } previous)
            {
                // SynthIE builds a dict from the mapping, so the last line wins.
                builder.Skip(
                    string.Equals(previous, label, StringComparison.Ordinal) ? WorldIssueKind.DuplicateEntry : WorldIssueKind.ConflictingLabel,
                    mappingPath,
                    labelLines[index],
                    id,
                    previous);
            }

            labels[index] = label;
            labelLines[index] = number;
        });

        for (int index = 0; index < wanted.Count; index++)
        {
            string id = wanted[index];
            if (labels[index] is { } label)
            {
                builder.Add(id, label, mappingPath, labelLines[index]);
            }
            else
            {
                builder.Skip(WorldIssueKind.MissingLabel, mappingPath, 0, id, null);
            }
        }

        return builder.Build();
    }
}

using System.Text;
using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads worlds and catalogs from files: SynthIE's own layout (<c>constrained_worlds/&lt;world&gt;/entities.json</c> and
/// <c>relations.json</c> with <c>id2name_mappings/entity_mapping.jsonl</c> and <c>relation_mapping.jsonl</c>), or simple
/// catalog files. Malformed content throws <see cref="WorldFileException"/> naming the file and line; a missing file
/// throws <see cref="FileNotFoundException"/>; entries that are left out are counted in <see cref="WorldCatalog.Report"/>.
/// </summary>
internal static class WorldLoader
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
        WorldCatalog entities = LoadMappingFor(entitiesPath, entityMappingPath, WorldItemKind.Entity);
        WorldCatalog relations = LoadMappingFor(relationsPath, relationMappingPath, WorldItemKind.Relation);
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
        var ids = new Utf8TextScratch();
        var labels = new Utf8TextScratch();
        switch (extension)
        {
            case ".jsonl":
                Utf8LineReader.ForEachLine(path, (line, number) =>
                {
                    if (!IsBlank(line))
                    {
                        ParseMappingLine(line, path, number, ids, labels, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> label);
                        builder.Add(Chars(ids, id, path, number), Chars(labels, label, path, number), path, number);
                    }
                });
                break;
            case ".tsv":
                Utf8LineReader.ForEachLine(path, (line, number) => AddTsvLine(builder, line, path, number, ids, labels));
                break;
            case ".json":
                AddJsonCatalog(builder, path, ids, labels);
                break;
            default:
                Utf8LineReader.ForEachLine(path, (line, number) =>
                {
                    if (!IsBlank(line))
                    {
                        builder.AddName(Chars(labels, line, path, number), path, number);
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

    private static ReadOnlySpan<char> Chars(Utf8TextScratch scratch, ReadOnlySpan<byte> utf8, string path, long lineNumber)
    {
        try
        {
            return scratch.Chars(utf8);
        }
        catch (DecoderFallbackException exception)
        {
            throw new WorldFileException(path, lineNumber, "the line is not valid UTF-8.", exception);
        }
    }

    private static void AddTsvLine(WorldCatalogBuilder builder, ReadOnlySpan<byte> line, string path, long lineNumber, Utf8TextScratch ids, Utf8TextScratch labels)
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

        ReadOnlySpan<byte> id = line[..tab].Trim(" "u8);
        ReadOnlySpan<byte> rest = line[(tab + 1)..];
        int nextTab = rest.IndexOf((byte)'\t');
        ReadOnlySpan<byte> label = nextTab < 0 ? rest : rest[..nextTab];
        if (lineNumber == 1 && id.SequenceEqual("id"u8) && label.Trim(" "u8).SequenceEqual("label"u8))
        {
            return;
        }

        if (id.IsEmpty)
        {
            throw new WorldFileException(path, lineNumber, "the id (first column) is empty.");
        }

        builder.Add(Chars(ids, id, path, lineNumber), Chars(labels, label, path, lineNumber), path, lineNumber);
    }

    /// <summary>Reads <c>{"id": …, "en_label": …}</c> (or <c>"label"</c>); returns unescaped UTF-8 of both.</summary>
    private static void ParseMappingLine(
        ReadOnlySpan<byte> line,
        string path,
        long lineNumber,
        Utf8TextScratch ids,
        Utf8TextScratch labels,
        out ReadOnlySpan<byte> id,
        out ReadOnlySpan<byte> label)
    {
        id = default;
        label = default;
        bool hasId = false;
        bool hasEnLabel = false;
        bool hasLabel = false;
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
                    id = ids.Bytes(ref reader);
                    hasId = true;
                }
                else if (isEnLabel || (isLabel && !hasEnLabel))
                {
                    label = labels.Bytes(ref reader);
                    hasEnLabel |= isEnLabel;
                    hasLabel = true;
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
        catch (InvalidOperationException exception)
        {
            throw new WorldFileException(path, lineNumber, $"a string is not valid text: invalid UTF-8 or an escaped lone surrogate ({exception.Message}).", exception);
        }

        if (!hasId || id.IsEmpty)
        {
            throw new WorldFileException(path, lineNumber, "the object has no \"id\" (or it is empty).");
        }

        if (!hasLabel)
        {
            throw new WorldFileException(path, lineNumber, "the object has no \"en_label\" (or \"label\").");
        }
    }

    private static void AddJsonCatalog(WorldCatalogBuilder builder, string path, Utf8TextScratch ids, Utf8TextScratch labels)
    {
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

                    builder.AddName(Chars(labels, labels.Bytes(ref reader), path, line), path, line);
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    long line = lines.LineOf(reader.TokenStartIndex);
                    current = line;
                    ReadOnlySpan<char> id = Chars(ids, ids.Bytes(ref reader), path, line);
                    if (id.IsEmpty)
                    {
                        throw new WorldFileException(path, line, "an id (property name) is empty.");
                    }

                    reader.Read();
                    bool found = false;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        builder.Add(id, Chars(labels, labels.Bytes(ref reader), path, line), path, line);
                        found = true;
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        int depth = reader.CurrentDepth;
                        if (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            builder.Add(id, Chars(labels, labels.Bytes(ref reader), path, line), path, line);
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
        catch (JsonException exception)
        {
            throw new WorldFileException(path, (exception.LineNumber ?? -1) + 1, $"malformed JSON ({exception.Message}).", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new WorldFileException(path, current, $"a string is not valid text: invalid UTF-8 or an escaped lone surrogate ({exception.Message}).", exception);
        }
    }

    /// <summary>Reads a JSON list of ids into a table (UTF-8, no strings); repeats are counted.</summary>
    private static Utf8StringTable ReadIdList(string path, WorldCatalogBuilder builder)
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
        catch (JsonException exception)
        {
            throw new WorldFileException(path, (exception.LineNumber ?? -1) + 1, $"malformed JSON ({exception.Message}).", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new WorldFileException(path, current, $"a string is not valid text: invalid UTF-8 or an escaped lone surrogate ({exception.Message}).", exception);
        }
    }

    /// <summary>
    /// Names the world's ids from the mapping file in one pass, straight into the catalog's label table: each wanted id
    /// points at its label; a later line for the same id replaces the earlier label (SynthIE builds a dict), and labels
    /// no id points at any more are dropped at the end. Nothing is kept per line but the label.
    /// </summary>
    private static WorldCatalog LoadMappingFor(string worldIdsPath, string mappingPath, WorldItemKind kind)
    {
        var issues = new WorldCatalogBuilder(kind, 16);
        Utf8StringTable wanted = ReadIdList(worldIdsPath, issues);

        var labels = new Utf8StringTable(Math.Max(wanted.Count, 16));
        int[] labelOf = new int[wanted.Count];
        int[] lineOf = new int[wanted.Count];
        int[] references = new int[Math.Max(wanted.Count, 16)];
        Array.Fill(labelOf, -1);
        var idScratch = new Utf8TextScratch();
        var labelScratch = new Utf8TextScratch();
        char[] normalized = new char[256];
        Utf8LineReader.ForEachLine(mappingPath, (line, number) =>
        {
            if (IsBlank(line))
            {
                return;
            }

            ParseMappingLine(line, mappingPath, number, idScratch, labelScratch, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> rawLabel);
            int index = wanted.IndexOfUtf8(id);
            if (index < 0)
            {
                return;
            }

            ReadOnlySpan<char> raw = Chars(labelScratch, rawLabel, mappingPath, number);
            if (normalized.Length < raw.Length)
            {
                normalized = new char[Math.Max(raw.Length, normalized.Length * 2)];
            }

            ReadOnlySpan<char> label = WorldCatalogBuilder.Normalize(kind, raw, normalized);
            if (lineOf[index] != 0)
            {
                // A later line for the same id: SynthIE keeps the last one; the earlier one is counted as left out.
                int previous = labelOf[index];
                bool same = previous >= 0 && labels.IndexOf(label) == previous;
                issues.Skip(
                    same ? WorldIssueKind.DuplicateEntry : WorldIssueKind.ConflictingLabel,
                    mappingPath,
                    lineOf[index],
                    Encoding.UTF8.GetString(id),
                    previous >= 0 ? labels[previous] : null);
                if (previous >= 0)
                {
                    references[previous]--;
                    labelOf[index] = -1;
                }
            }

            lineOf[index] = (int)Math.Min(number, int.MaxValue);
            if (PythonText.IsBlank(label))
            {
                issues.Skip(WorldIssueKind.EmptyLabel, mappingPath, number, Encoding.UTF8.GetString(id), raw.ToString());
                return;
            }

            if (WorldCatalogBuilder.ContainsMarker(label))
            {
                issues.Skip(WorldIssueKind.LabelContainsMarker, mappingPath, number, Encoding.UTF8.GetString(id), label.ToString());
                return;
            }

            int labelIndex = labels.Add(label, out _);
            if (labelIndex >= references.Length)
            {
                Array.Resize(ref references, references.Length * 2);
            }

            references[labelIndex]++;
            labelOf[index] = labelIndex;
        });

        for (int index = 0; index < wanted.Count; index++)
        {
            if (lineOf[index] == 0)
            {
                issues.Skip(WorldIssueKind.MissingLabel, mappingPath, 0, wanted[index], null);
            }
        }

        // Labels that only replaced names pointed at are dropped (rare: only when an id is named twice).
        if (references.AsSpan(0, labels.Count).Contains(0))
        {
            var kept = new Utf8StringTable(labels.Count);
            int[] remap = new int[labels.Count];
            for (int label = 0; label < labels.Count; label++)
            {
                remap[label] = references[label] > 0 ? kept.AddUtf8(labels.GetUtf8(label), out _) : -1;
            }

            for (int index = 0; index < labelOf.Length; index++)
            {
                labelOf[index] = labelOf[index] < 0 ? -1 : remap[labelOf[index]];
            }

            labels = kept;
        }

        labels.TrimExcess();
        return issues.BuildFrom(labels, wanted, labelOf);
    }

    /// <summary>Turns byte positions of a file into 1-based line numbers, for positions that only grow (or restart).</summary>
    private sealed class LineCounter(byte[] bytes)
    {
        private long _position;
        private long _line = 1;

        public long LineOf(long position)
        {
            position = Math.Min(position, bytes.Length);
            if (position < _position)
            {
                _position = 0;
                _line = 1;
            }

            _line += bytes.AsSpan((int)_position, (int)(position - _position)).Count((byte)'\n');
            _position = position;
            return _line;
        }
    }
}

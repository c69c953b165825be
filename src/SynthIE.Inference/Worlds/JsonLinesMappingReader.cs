using System.Text;
using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads SynthIE's id→name mappings: JSON lines <c>{"id": …, "en_label": …}</c> (or <c>"label"</c>; other fields are
/// ignored), either as a whole <c>.jsonl</c> catalog or to name the ids of a world's id list.
/// </summary>
internal static class JsonLinesMappingReader
{
    /// <summary>Adds every line of a <c>.jsonl</c> catalog to <paramref name="builder"/> (blank lines are ignored).</summary>
    /// <param name="builder">The catalog being built.</param>
    /// <param name="path">The file.</param>
    public static void AddTo(WorldCatalogBuilder builder, string path)
    {
        var ids = new Utf8TextScratch();
        var labels = new Utf8TextScratch();
        Utf8LineReader.ForEachLine(path, (line, number) =>
        {
            if (!WorldFileText.IsBlank(line))
            {
                ParseLine(line, path, number, ids, labels, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> label);
                builder.Add(WorldFileText.Chars(ids, id, path, number), WorldFileText.Chars(labels, label, path, number), path, number);
            }
        });
    }

    /// <summary>
    /// Names the world's ids from the mapping file in one pass, straight into the catalog's label table: each wanted id
    /// points at its label; a later line for the same id replaces the earlier label (SynthIE builds a dict), and labels
    /// no id points at any more are dropped at the end. Nothing is kept per line but the label.
    /// </summary>
    /// <param name="worldIdsPath">The world's id list (<c>entities.json</c> or <c>relations.json</c>).</param>
    /// <param name="mappingPath">The id→name mapping (JSON lines).</param>
    /// <param name="kind">Entities or relations.</param>
    /// <returns>The catalog of the world's named ids.</returns>
    public static WorldCatalog LoadFor(string worldIdsPath, string mappingPath, WorldItemKind kind)
    {
        var issues = new WorldCatalogBuilder(kind, 16);
        Utf8StringTable wanted = JsonCatalogReader.ReadIdList(worldIdsPath, issues);

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
            if (WorldFileText.IsBlank(line))
            {
                return;
            }

            ParseLine(line, mappingPath, number, idScratch, labelScratch, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> rawLabel);
            int index = wanted.IndexOfUtf8(id);
            if (index < 0)
            {
                return;
            }

            ReadOnlySpan<char> raw = WorldFileText.Chars(labelScratch, rawLabel, mappingPath, number);
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

    /// <summary>Reads <c>{"id": …, "en_label": …}</c> (or <c>"label"</c>); returns unescaped UTF-8 of both.</summary>
    private static void ParseLine(
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
}

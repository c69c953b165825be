using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// The tool's JSON Lines schema for extraction results (documented in the tool's README.md, "Output schema"): one
/// object per input text with <c>id</c>, <c>text</c>, <c>facts</c>, <c>score</c>, <c>raw_output</c>,
/// <c>reached_end_token</c>, <c>parsed_cleanly</c>, <c>input_tokens</c>, <c>input_truncated</c>, <c>alternatives</c>
/// <c>diagnostics</c> and <c>fingerprint</c> (schema version 2). Names are snake_case; a line is UTF-8 without a byte order mark, non-ASCII text unescaped.
/// </summary>
internal static class ResultLines
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Serializes one result as a line (without the newline).</summary>
    /// <param name="id">The document's id.</param>
    /// <param name="result">The result.</param>
    /// <param name="fingerprint">The run's <see cref="RunFingerprint"/>.</param>
    /// <param name="buffer">Receives the UTF-8 bytes (cleared first).</param>
    public static void Write(DocumentId id, ExtractionResult result, string fingerprint, ArrayBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartObject();
        id.WriteTo(writer, "id");
        writer.WriteString("text", result.Text);
        ExtractionCandidate? best = result.Best;
        WriteFacts(writer, result.Facts);
        WriteScore(writer, best);
        writer.WriteString("raw_output", result.RawOutput);
        WriteReachedEnd(writer, best);
        writer.WriteBoolean("parsed_cleanly", ParsedCleanly(result.Diagnostics));
        writer.WriteNumber("input_tokens", result.InputTokenCount);
        writer.WriteBoolean("input_truncated", result.InputTruncated);
        writer.WriteStartArray("alternatives");
        foreach (ExtractionCandidate candidate in result.Alternatives)
        {
            writer.WriteStartObject();
            WriteScore(writer, candidate);
            writer.WriteString("raw_output", candidate.RawOutput);
            WriteReachedEnd(writer, candidate);
            writer.WriteBoolean("parsed_cleanly", ParsedCleanly(candidate.Diagnostics));
            WriteFacts(writer, candidate.Facts);
            WriteDiagnostics(writer, candidate.Diagnostics);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteDiagnostics(writer, result.Diagnostics);
        writer.WriteString("fingerprint", fingerprint);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Returns whether an output parsed cleanly: no diagnostic other than names missing from the world
    /// (<c>unknown_entity</c>, <c>unknown_relation</c>), which say nothing about the output's form.
    /// </summary>
    /// <param name="diagnostics">The output's diagnostics.</param>
    /// <returns>Whether it parsed cleanly.</returns>
    public static bool ParsedCleanly(IReadOnlyList<ParseDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (ParseDiagnostic diagnostic in diagnostics)
        {
            if (diagnostic.Kind is not (ParseDiagnosticKind.UnknownEntity or ParseDiagnosticKind.UnknownRelation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns a diagnostic kind's name in the schema, e.g. <c>missing_end_marker</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The snake_case name.</returns>
    public static string KindName(ParseDiagnosticKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static void WriteScore(Utf8JsonWriter writer, ExtractionCandidate? candidate)
    {
        if (candidate is not null && double.IsFinite(candidate.Score))
        {
            writer.WriteNumber("score", candidate.Score);
        }
        else
        {
            writer.WriteNull("score");
        }
    }

    private static void WriteReachedEnd(Utf8JsonWriter writer, ExtractionCandidate? candidate)
    {
        if (candidate is null)
        {
            writer.WriteNull("reached_end_token");
        }
        else
        {
            writer.WriteBoolean("reached_end_token", candidate.ReachedEndToken);
        }
    }

    private static void WriteFacts(Utf8JsonWriter writer, IReadOnlyList<Fact> facts)
    {
        writer.WriteStartArray("facts");
        foreach (Fact fact in facts)
        {
            writer.WriteStartObject();
            WriteArgument(writer, "subject", fact.Subject);
            WriteArgument(writer, "relation", fact.Relation);
            WriteArgument(writer, "object", fact.Object);
            writer.WriteBoolean("duplicate", fact.IsDuplicate);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteArgument(Utf8JsonWriter writer, string name, FactArgument argument)
    {
        writer.WriteStartObject(name);
        writer.WriteString("label", argument.Label);
        writer.WriteStartArray("wikidata_ids");
        foreach (string id in argument.WikidataIds)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteDiagnostics(Utf8JsonWriter writer, IReadOnlyList<ParseDiagnostic> diagnostics)
    {
        writer.WriteStartArray("diagnostics");
        foreach (ParseDiagnostic diagnostic in diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", KindName(diagnostic.Kind));
            writer.WriteNumber("position", diagnostic.Position);
            writer.WriteString("fragment", diagnostic.Fragment);
            writer.WriteString("message", diagnostic.Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// What identifies a complete result line of <c>synthie extract</c>: its document id, a hash of its <c>text</c> and its
/// <c>fingerprint</c> (<see cref="RunFingerprint"/>). Resuming (<see cref="FinishedResults"/>) and merging shards check
/// lines against input documents with it, without keeping the lines.
/// </summary>
/// <param name="Id">The line's id.</param>
/// <param name="TextHash">The first 8 bytes of the SHA-256 of the line's text in UTF-8.</param>
/// <param name="Fingerprint">The line's fingerprint.</param>
internal readonly record struct ResultLineKey(DocumentId Id, ulong TextHash, string Fingerprint)
{
    /// <summary>Reads the key of one complete line.</summary>
    /// <param name="where">The line's place for messages (<c>file:line</c>).</param>
    /// <param name="bytes">The line without its newline.</param>
    /// <param name="advice">What the user can do when the line is not a result line, ending the message.</param>
    /// <returns>The key.</returns>
    /// <exception cref="CliException">The line is not a JSON object with an id, a text and a fingerprint.</exception>
    public static ResultLineKey Parse(string where, ReadOnlyMemory<byte> bytes, string advice)
    {
        if (bytes.Length > 0 && bytes.Span[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new CliException($"{where}: not valid JSON ({error.Message}); {advice}", error);
        }

        using (document)
        {
            try
            {
                return ReadKey(where, document.RootElement, advice);
            }
            catch (InvalidOperationException error) when (error.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
            {
                throw new CliException($"{where}: a string or field name is not valid Unicode text (an unpaired surrogate escape); {advice}", error);
            }
        }
    }

    private static ResultLineKey ReadKey(string where, JsonElement root, string advice)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("id", out JsonElement idValue)
            || !root.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String)
        {
            throw new CliException($"{where}: not a result line (a JSON object with \"id\" and \"text\"); {advice}");
        }

        if (!DocumentId.TryRead(idValue, out DocumentId id))
        {
            throw new CliException($"{where}: field \"id\" must be a non-empty string or a number; {advice}");
        }

        if (!root.TryGetProperty("fingerprint", out JsonElement fingerprint) || fingerprint.ValueKind != JsonValueKind.String)
        {
            throw new CliException($"{where}: the line has no \"fingerprint\" (not written by synthie extract 2 or later): nothing says which model and options wrote it; {advice}");
        }

        return new ResultLineKey(id, HashText(text.GetString()!), fingerprint.GetString()!);
    }

    /// <summary>Hashes a text as <see cref="TextHash"/> does.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The hash.</returns>
    public static ulong HashText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToUInt64(hash);
    }

    /// <summary>Checks that a line is the result of an input document: same id, same text.</summary>
    /// <param name="where">The line's place for messages (<c>file:line</c>).</param>
    /// <param name="id">The line's id.</param>
    /// <param name="textHash">The line's text hash.</param>
    /// <param name="document">The input document expected there.</param>
    /// <param name="advice">What the user can do, ending the message.</param>
    /// <exception cref="CliException">The id or the text differs.</exception>
    public static void VerifyDocument(string where, DocumentId id, ulong textHash, InputDocument document, string advice)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!string.Equals(id.Value, document.Id.Value, StringComparison.Ordinal))
        {
            throw new CliException(
                $"{where}: id {SafeText.Escape(id.ToString())} does not match the input's id {SafeText.Escape(document.Id.ToString())} ({document.Location}): the file was not written from this input in this order ({advice}).");
        }

        if (textHash != HashText(document.Text))
        {
            throw new CliException(
                $"{where}: the text of id {SafeText.Escape(id.ToString())} differs from the input's ({document.Location}): the file was written from another input ({advice}).");
        }
    }

    /// <summary>Formats <c>file:line</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lineNumber">The 1-based line.</param>
    /// <returns>The place.</returns>
    public static string Where(string path, long lineNumber) => string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
}

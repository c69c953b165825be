using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// The complete result lines already in an output file, kept as what is needed to check them against input documents
/// without a second pass over the input: per line its id, a hash of its <c>text</c>, and its <c>fingerprint</c>
/// (<see cref="RunFingerprint"/>). A trailing line without its newline is an interrupted write: it is counted in
/// <see cref="PartialBytes"/>, not kept. Every check fails with a <see cref="CliException"/> naming the output line.
/// </summary>
internal sealed class FinishedResults
{
    private readonly List<FinishedLine> _lines;
    private readonly List<string> _fingerprints;

    private FinishedResults(string path, List<FinishedLine> lines, List<string> fingerprints, long completeLength, long partialBytes)
    {
        Path = path;
        _lines = lines;
        _fingerprints = fingerprints;
        CompleteLength = completeLength;
        PartialBytes = partialBytes;
    }

    /// <summary>Gets the file's full path.</summary>
    public string Path { get; }

    /// <summary>Gets the number of complete lines.</summary>
    public int Count => _lines.Count;

    /// <summary>Gets the length in bytes of the complete lines.</summary>
    public long CompleteLength { get; }

    /// <summary>Gets the length of the trailing partial line (0 when none).</summary>
    public long PartialBytes { get; }

    /// <summary>Gets an empty set of lines (a new or empty file).</summary>
    /// <param name="path">The file's full path.</param>
    /// <returns>No lines.</returns>
    public static FinishedResults None(string path) => new(path, [], [], 0, 0);

    /// <summary>Reads the complete lines of a result file.</summary>
    /// <param name="path">The file's full path.</param>
    /// <returns>The lines.</returns>
    /// <exception cref="CliException">The file cannot be read, or a complete line is not a result line with an id, a text and a fingerprint.</exception>
    public static FinishedResults Read(string path)
    {
        var lines = new List<FinishedLine>();
        var fingerprints = new List<string>();
        var line = new ArrayBufferWriter<byte>(4096);
        long offset = 0;
        long complete = 0;
        byte[] chunk = new byte[1 << 16];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (chunk[i] != (byte)'\n')
                    {
                        continue;
                    }

                    line.Write(chunk.AsSpan(start, i - start));
                    lines.Add(ReadLine(path, lines.Count + 1, line.WrittenMemory, fingerprints));
                    line.ResetWrittenCount();
                    start = i + 1;
                    complete = offset + i + 1;
                }

                line.Write(chunk.AsSpan(start, read - start));
                offset += read;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot be read ({error.Message})", error);
        }

        return new FinishedResults(path, lines, fingerprints, complete, offset - complete);
    }

    /// <summary>Checks that every line was written with the given fingerprint (the same model and settings).</summary>
    /// <param name="fingerprint">This run's fingerprint.</param>
    /// <exception cref="CliException">A line has another fingerprint; the message names the first one.</exception>
    public void VerifyFingerprint(string fingerprint)
    {
        for (int i = 0; i < _lines.Count; i++)
        {
            string written = _fingerprints[_lines[i].Fingerprint];
            if (!string.Equals(written, fingerprint, StringComparison.Ordinal))
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path}:{i + 1}: written with another model or other decoding options (fingerprint {SafeText.Escape(written)}, this run's is {fingerprint}): resume with the model and options of the first run, or use --overwrite to start again."));
            }
        }
    }

    /// <summary>Checks that the line at <paramref name="index"/> is the result of <paramref name="document"/>: same id, same text.</summary>
    /// <param name="index">The 0-based line.</param>
    /// <param name="document">The input document expected there.</param>
    /// <exception cref="CliException">The id or the text differs.</exception>
    public void Verify(int index, InputDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        FinishedLine line = _lines[index];
        string where = string.Create(CultureInfo.InvariantCulture, $"{Path}:{index + 1}");
        if (!string.Equals(line.Id.Value, document.Id.Value, StringComparison.Ordinal))
        {
            throw new CliException(
                $"{where}: id {SafeText.Escape(line.Id.ToString())} does not match the input's id {SafeText.Escape(document.Id.ToString())} ({document.Location}): the file was not written from this input in this order (use --overwrite to start again).");
        }

        if (line.TextHash != HashText(document.Text))
        {
            throw new CliException(
                $"{where}: the text of id {SafeText.Escape(line.Id.ToString())} differs from the input's ({document.Location}): the file was written from another input (use --overwrite to start again).");
        }
    }

    /// <summary>Checks that the input had at least as many documents as the file has lines.</summary>
    /// <param name="inputCount">The number of input documents read.</param>
    /// <param name="inputName">The input's name in messages.</param>
    /// <exception cref="CliException">The file has more lines.</exception>
    public void VerifyInputCovers(int inputCount, string inputName)
    {
        if (_lines.Count > inputCount)
        {
            throw new CliException(
                $"{Path} has {Formats.Count(_lines.Count, "line")} but {inputName} has only {Formats.Count(inputCount, "text")}: it was not written from this input (use --overwrite to start again).");
        }
    }

    private static ulong HashText(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToUInt64(hash);
    }

    private static FinishedLine ReadLine(string path, int lineNumber, ReadOnlyMemory<byte> bytes, List<string> fingerprints)
    {
        try
        {
            return ReadResultLine(path, lineNumber, bytes, fingerprints);
        }
        catch (InvalidOperationException error) when (error.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}: a string or field name is not valid Unicode text (an unpaired surrogate escape), so this file cannot be resumed (use --overwrite to start again)."), error);
        }
    }

    private static FinishedLine ReadResultLine(string path, int lineNumber, ReadOnlyMemory<byte> bytes, List<string> fingerprints)
    {
        if (bytes.Length > 0 && bytes.Span[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        string where = string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new CliException($"{where}: not valid JSON ({error.Message}); only the last line of an interrupted output may be incomplete, so this file cannot be resumed (use --overwrite to start again).", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out JsonElement idValue)
                || !root.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"{where}: not a result line (a JSON object with \"id\" and \"text\"), so this file cannot be resumed (use --overwrite to start again).");
            }

            if (!DocumentId.TryRead(idValue, out DocumentId id))
            {
                throw new CliException($"{where}: field \"id\" must be a non-empty string or a number, so this file cannot be resumed (use --overwrite to start again).");
            }

            if (!root.TryGetProperty("fingerprint", out JsonElement fingerprint) || fingerprint.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"{where}: the line has no \"fingerprint\" (not written by synthie extract 2 or later), so this file cannot be resumed: nothing says which model and options wrote it (use --overwrite to start again).");
            }

            string value = fingerprint.GetString()!;
            int index = fingerprints.IndexOf(value);
            if (index < 0)
            {
                fingerprints.Add(value);
                index = fingerprints.Count - 1;
            }

            return new FinishedLine(id, HashText(text.GetString()!), index);
        }
    }

    private readonly record struct FinishedLine(DocumentId Id, ulong TextHash, int Fingerprint);
}

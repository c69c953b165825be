using System.Buffers;
using System.Globalization;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// An output file of JSON Lines: refuses to replace an existing file unless asked, and for <c>--resume</c> reads the
/// ids of the lines already written (a trailing line without its newline is an interrupted write and is dropped).
/// Nothing is changed on disk until <see cref="Open"/>.
/// </summary>
internal sealed class OutputFile
{
    private OutputFile(string path, IReadOnlyList<DocumentId> existingIds, long completeLength, long partialBytes)
    {
        Path = path;
        ExistingIds = existingIds;
        CompleteLength = completeLength;
        PartialBytes = partialBytes;
    }

    /// <summary>Gets the full path.</summary>
    public string Path { get; }

    /// <summary>Gets the ids of the complete lines already in the file (resume only), in order.</summary>
    public IReadOnlyList<DocumentId> ExistingIds { get; }

    /// <summary>Gets the length in bytes of the complete lines kept.</summary>
    public long CompleteLength { get; }

    /// <summary>Gets the length of the trailing partial line that <see cref="Open"/> drops (0 when none).</summary>
    public long PartialBytes { get; }

    /// <summary>Checks an output path and, to resume, reads what is there.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="resume">Whether to continue the file.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <param name="inputPath">The input file's full path (the output may not be the input), or <see langword="null"/>.</param>
    /// <returns>The output file.</returns>
    /// <exception cref="CliException">The path is a folder or the input, its folder is missing, the file exists without
    /// <paramref name="resume"/> or <paramref name="overwrite"/>, or a complete line is not one of this tool's lines.</exception>
    public static OutputFile Prepare(string path, bool resume, bool overwrite, string? inputPath)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new CliException($"{full} is a folder; --output takes a file path.");
        }

        if (inputPath is not null && string.Equals(full, inputPath, StringComparison.Ordinal))
        {
            throw CliException.Usage($"--output {full} is the input file; write the results to another file.");
        }

        string? folder = System.IO.Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new CliException($"the output's folder does not exist: {folder}");
        }

        if (!File.Exists(full))
        {
            return new OutputFile(full, [], 0, 0);
        }

        if (!resume)
        {
            return overwrite
                ? new OutputFile(full, [], 0, 0)
                : throw new CliException($"{full} already exists: pass --resume to continue it, or --overwrite to replace it.");
        }

        (List<DocumentId> ids, long complete, long partial) = ReadExisting(full);
        return new OutputFile(full, ids, complete, partial);
    }

    /// <summary>
    /// Checks that the lines already written are the results of the first inputs, in order.
    /// </summary>
    /// <param name="inputs">The inputs' ids and locations, in order.</param>
    /// <param name="inputName">The input's name in messages.</param>
    /// <exception cref="CliException">An id differs (naming the output line and the input), or the file has more lines than the input.</exception>
    public void VerifyResume(IReadOnlyList<(DocumentId Id, string Location)> inputs, string inputName)
    {
        if (ExistingIds.Count > inputs.Count)
        {
            throw new CliException(
                $"{Path} has {Formats.Count(ExistingIds.Count, "line")} but {inputName} has only {Formats.Count(inputs.Count, "text")}: it was not written from this input (use --overwrite to start again).");
        }

        for (int i = 0; i < ExistingIds.Count; i++)
        {
            if (!ExistingIds[i].Matches(inputs[i].Id))
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path}:{i + 1}: id {ExistingIds[i]} does not match the input's id {inputs[i].Id} ({inputs[i].Location}): the file was not written from this input in this order (use --overwrite to start again)."));
            }
        }
    }

    /// <summary>Opens the file for writing: appended to after dropping a partial last line when resuming, created (or replaced) otherwise.</summary>
    /// <returns>The stream, positioned at the end.</returns>
    public FileStream Open()
    {
        try
        {
            if (ExistingIds.Count > 0 || PartialBytes > 0)
            {
                var stream = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.Read);
                stream.SetLength(CompleteLength);
                stream.Seek(0, SeekOrigin.End);
                return stream;
            }

            return new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{Path}: cannot be written ({error.Message})", error);
        }
    }

    private static (List<DocumentId> Ids, long Complete, long Partial) ReadExisting(string path)
    {
        var ids = new List<DocumentId>();
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
                    ids.Add(ReadId(path, ids.Count + 1, line.WrittenMemory));
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

        return (ids, complete, offset - complete);
    }

    private static DocumentId ReadId(string path, int lineNumber, ReadOnlyMemory<byte> line)
    {
        if (line.Length > 0 && line.Span[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        string where = string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out JsonElement value)
                && DocumentId.TryRead(value, out DocumentId id))
            {
                return id;
            }
        }
        catch (JsonException error)
        {
            throw new CliException($"{where}: not valid JSON ({error.Message}); only the last line of an interrupted output may be incomplete, so this file cannot be resumed (use --overwrite to start again).", error);
        }

        throw new CliException($"{where}: not a result line (a JSON object with an \"id\"), so this file cannot be resumed (use --overwrite to start again).");
    }
}

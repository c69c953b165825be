using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// The texts of an <c>extract</c> run: the command's arguments, or a file (<c>-</c> for standard input) with one text
/// per line or one JSON object per line. Files are read lazily and can be read again (standard input is kept in memory).
/// Malformed lines fail with <see cref="CliException"/> naming the file and line.
/// </summary>
internal sealed class InputSource
{
    private readonly IReadOnlyList<string>? _arguments;
    private readonly string? _path;
    private List<string>? _standardInput;
    private readonly TextReader? _stdin;

    private InputSource(string name, InputFormat format, IReadOnlyList<string>? arguments, string? path, TextReader? stdin)
    {
        Name = name;
        Format = format;
        _arguments = arguments;
        _path = path;
        _stdin = stdin;
    }

    /// <summary>Gets the input's name in messages.</summary>
    public string Name { get; }

    /// <summary>Gets the full path of the input file, or <see langword="null"/> for arguments and standard input.</summary>
    public string? FilePath => _path;

    /// <summary>Gets how the input is read.</summary>
    public InputFormat Format { get; }

    /// <summary>Makes a source from command arguments (ids 0, 1, …).</summary>
    /// <param name="texts">The texts.</param>
    /// <returns>The source.</returns>
    public static InputSource FromArguments(IReadOnlyList<string> texts) => new("the arguments", InputFormat.Text, texts, null, null);

    /// <summary>Makes a source from a file or standard input.</summary>
    /// <param name="path">The file, or <c>-</c> for standard input.</param>
    /// <param name="format">
    /// <c>text</c>, <c>jsonl</c>, or <c>auto</c>: JSON Lines for names ending with <c>.jsonl</c>, <c>.ndjson</c> or
    /// <c>.json</c> (optionally followed by <c>.gz</c>), text otherwise (standard input: text).
    /// </param>
    /// <param name="stdin">Standard input.</param>
    /// <returns>The source.</returns>
    /// <exception cref="CliException">The file does not exist.</exception>
    public static InputSource FromFile(string path, string format, TextReader stdin)
    {
        if (path == "-")
        {
            return new InputSource("standard input", format == "jsonl" ? InputFormat.JsonLines : InputFormat.Text, null, null, stdin);
        }

        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CliException(Directory.Exists(full) ? $"{full} is a folder, not an input file." : $"input file not found: {full}");
        }

        InputFormat resolved = format switch
        {
            "text" => InputFormat.Text,
            "jsonl" => InputFormat.JsonLines,
            _ => IsJsonLinesName(full) ? InputFormat.JsonLines : InputFormat.Text,
        };
        return new InputSource(full, resolved, null, full, null);
    }

    /// <summary>Reads every document, in order.</summary>
    /// <returns>The documents.</returns>
    /// <exception cref="CliException">A line is malformed, or the file cannot be read.</exception>
    public IEnumerable<InputDocument> Read()
    {
        if (_arguments is not null)
        {
            for (int i = 0; i < _arguments.Count; i++)
            {
                yield return new InputDocument(DocumentId.FromIndex(i), _arguments[i], $"argument {(i + 1).ToString(CultureInfo.InvariantCulture)}");
            }

            yield break;
        }

        int lineIndex = -1;
        int blank = 0;
        foreach (string line in Lines())
        {
            lineIndex++;
            if (string.IsNullOrWhiteSpace(line))
            {
                blank++;
                continue;
            }

            string location = string.Create(CultureInfo.InvariantCulture, $"{Name}:{lineIndex + 1}");
            yield return Format == InputFormat.Text
                ? new InputDocument(DocumentId.FromIndex(lineIndex), line, location)
                : ParseJsonLine(line, lineIndex, location);
        }

        BlankLineCount = blank;
    }

    /// <summary>Gets the number of blank lines skipped by the last complete <see cref="Read"/>.</summary>
    public int BlankLineCount { get; private set; }

    /// <summary>Reads every document once to check it and collect the ids and locations (repeated ids are an error).</summary>
    /// <returns>The documents' ids and locations in input order (texts dropped).</returns>
    /// <exception cref="CliException">A line is malformed, or an id repeats.</exception>
    public List<(DocumentId Id, string Location)> Scan()
    {
        var ids = new List<(DocumentId Id, string Location)>();
        var firstLocation = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (InputDocument document in Read())
        {
            if (!firstLocation.TryAdd(document.Id.Value, document.Location))
            {
                throw new CliException($"{document.Location}: id {document.Id} repeats the id of {firstLocation[document.Id.Value]} (ids must be unique).");
            }

            ids.Add((document.Id, document.Location));
        }

        return ids;
    }

    private static bool IsJsonLinesName(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    private static InputDocument ParseJsonLine(string line, int lineIndex, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw new CliException($"{location}: not valid JSON ({error.Message})", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"{location}: expected a JSON object with a \"text\" field, not {root.ValueKind.ToString().ToLowerInvariant()}.");
            }

            if (!root.TryGetProperty("text", out JsonElement text))
            {
                throw new CliException($"{location}: required field \"text\" is missing.");
            }

            if (text.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"{location}: field \"text\" must be a string, not {text.ValueKind.ToString().ToLowerInvariant()}.");
            }

            DocumentId id = DocumentId.FromIndex(lineIndex);
            foreach (string field in (string[])["id", "docid"])
            {
                if (root.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
                {
                    if (!DocumentId.TryRead(value, out id))
                    {
                        throw new CliException($"{location}: field \"{field}\" must be a non-empty string or a number.");
                    }

                    break;
                }
            }

            return new InputDocument(id, text.GetString()!, location);
        }
    }

    private IEnumerable<string> Lines()
    {
        if (_stdin is not null)
        {
            if (_standardInput is null)
            {
                _standardInput = [];
                while (_stdin.ReadLine() is { } line)
                {
                    _standardInput.Add(line);
                }
            }

            foreach (string line in _standardInput)
            {
                yield return line;
            }

            yield break;
        }

        StreamReader reader;
        try
        {
            Stream file = File.OpenRead(_path!);
            Stream content = _path!.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            reader = new StreamReader(content, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{_path}: cannot be read ({error.Message})", error);
        }

        using (reader)
        {
            while (true)
            {
                string? line;
                try
                {
                    line = reader.ReadLine();
                }
                catch (InvalidDataException error)
                {
                    throw new CliException($"{_path}: not valid gzip data ({error.Message})", error);
                }
                catch (IOException error)
                {
                    throw new CliException($"{_path}: cannot be read ({error.Message})", error);
                }

                if (line is null)
                {
                    yield break;
                }

                yield return line;
            }
        }
    }
}

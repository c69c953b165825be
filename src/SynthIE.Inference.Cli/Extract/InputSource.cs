using System.Globalization;
using System.Text.Json;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// The texts of an <c>extract</c> run: the command's arguments, or a file (<c>-</c> for standard input) with one text
/// per line or one JSON object per line. The input is read once, front to back, as it is consumed (so standard input,
/// pipes and FIFOs work, and nothing is held in memory but the ids seen). Malformed lines, repeated ids, bytes that are
/// not UTF-8, overlong lines and truncated <c>.gz</c> files fail with <see cref="CliException"/> naming the input and line.
/// </summary>
internal sealed class InputSource
{
    private readonly IReadOnlyList<string>? _arguments;
    private readonly string? _path;
    private readonly Func<Stream>? _stdin;
    private bool _read;

    private InputSource(string name, InputFormat format, IReadOnlyList<string>? arguments, string? path, Func<Stream>? stdin)
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
    /// <param name="stdin">Opens standard input.</param>
    /// <returns>The source.</returns>
    /// <exception cref="CliException">The file does not exist.</exception>
    public static InputSource FromFile(string path, string format, Func<Stream> stdin)
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

    /// <summary>Gets the number of texts, when known before reading (arguments), else <see langword="null"/>.</summary>
    public int? KnownCount => _arguments?.Count;

    /// <summary>Gets the number of blank lines skipped so far.</summary>
    public int BlankLineCount { get; private set; }

    /// <summary>Reads every document, in order, once; repeated ids are an error.</summary>
    /// <returns>The documents.</returns>
    /// <exception cref="CliException">A line is malformed or repeats an id, or the input cannot be read to its end.</exception>
    /// <exception cref="InvalidOperationException">The input was read already.</exception>
    public IEnumerable<InputDocument> Read()
    {
        if (_read)
        {
            throw new InvalidOperationException("The input can be read only once.");
        }

        _read = true;
        var firstLocation = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (InputDocument document in ReadDocuments())
        {
            if (!firstLocation.TryAdd(document.Id.Value, document.Location))
            {
                throw new CliException($"{document.Location}: id {SafeText.Escape(document.Id.ToString())} repeats the id of {firstLocation[document.Id.Value]} (ids must be unique).");
            }

            yield return document;
        }
    }

    private IEnumerable<InputDocument> ReadDocuments()
    {
        if (_arguments is not null)
        {
            for (int i = 0; i < _arguments.Count; i++)
            {
                yield return new InputDocument(DocumentId.FromIndex(i), _arguments[i], $"argument {(i + 1).ToString(CultureInfo.InvariantCulture)}");
            }

            yield break;
        }

        using InputLineReader reader = Open();
        while (reader.ReadLine() is { } line)
        {
            int lineIndex = reader.LineNumber - 1;
            if (string.IsNullOrWhiteSpace(line))
            {
                BlankLineCount++;
                continue;
            }

            string location = string.Create(CultureInfo.InvariantCulture, $"{Name}:{lineIndex + 1}");
            yield return Format == InputFormat.Text
                ? new InputDocument(DocumentId.FromIndex(lineIndex), line, location)
                : ParseJsonLine(line, lineIndex, location);
        }
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
        try
        {
            return ParseJsonObject(line, lineIndex, location);
        }
        catch (InvalidOperationException error) when (error.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            // System.Text.Json cannot decode a field name with an unpaired surrogate escape (\ud800).
            throw new CliException($"{location}: a field name is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).", error);
        }
    }

    private static InputDocument ParseJsonObject(string line, int lineIndex, string location)
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
                    if (!ValidString(value))
                    {
                        throw new CliException($"{location}: field \"{field}\" is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).");
                    }

                    if (!DocumentId.TryRead(value, out id))
                    {
                        throw new CliException($"{location}: field \"{field}\" must be a non-empty string or a number.");
                    }

                    break;
                }
            }

            if (!ValidString(text))
            {
                throw new CliException($"{location}: field \"text\" is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).");
            }

            return new InputDocument(id, text.GetString()!, location);
        }
    }

    /// <summary>Returns whether a JSON value is not a string, or a string .NET can decode (no unpaired surrogate escape).</summary>
    private static bool ValidString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private InputLineReader Open()
    {
        if (_stdin is not null)
        {
            return new InputLineReader(_stdin(), Name);
        }

        try
        {
            Stream file = new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            Stream content = _path!.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new CheckedGzipStream(new BufferedStream(file, 1 << 16)) : file;
            return new InputLineReader(content, Name);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{_path}: cannot be read ({error.Message})", error);
        }
    }
}

using System.Globalization;
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
    private const string ResumeAdvice = "this file cannot be resumed (use --overwrite to start again).";

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
        using CompleteLineReader reader = CompleteLineReader.Open(path);
        while (reader.Next() is { } line)
        {
            lines.Add(ReadLine(path, lines.Count + 1, line, fingerprints));
        }

        return new FinishedResults(path, lines, fingerprints, reader.CompleteLength, reader.PartialBytes);
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
        FinishedLine line = _lines[index];
        ResultLineKey.VerifyDocument(ResultLineKey.Where(Path, index + 1), line.Id, line.TextHash, document, "use --overwrite to start again");
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

    private static FinishedLine ReadLine(string path, int lineNumber, ReadOnlyMemory<byte> bytes, List<string> fingerprints)
    {
        ResultLineKey key = ResultLineKey.Parse(ResultLineKey.Where(path, lineNumber), bytes, ResumeAdvice);
        int index = fingerprints.IndexOf(key.Fingerprint);
        if (index < 0)
        {
            fingerprints.Add(key.Fingerprint);
            index = fingerprints.Count - 1;
        }

        return new FinishedLine(key.Id, key.TextHash, index);
    }

    private readonly record struct FinishedLine(DocumentId Id, ulong TextHash, int Fingerprint);
}

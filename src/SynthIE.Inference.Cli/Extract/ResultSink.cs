using System.Buffers;
using System.Text;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Writes result lines one by one, each followed by a newline and flushed at once, so that an interruption leaves only
/// complete lines (at worst one partial last line, which <c>--resume</c> drops). A file is opened when the first line
/// is written (or by <see cref="Complete"/>), so a run that fails before any result leaves no empty file behind.
/// Standard output closed by its reader (<c>| head</c>) is a <see cref="CliException"/> with
/// <see cref="ExitCodes.OutputClosed"/>.
/// </summary>
internal sealed class ResultSink : IDisposable
{
    private const int BrokenPipe = 32; // EPIPE, the errno .NET reports as the IOException's HResult on Unix

    private readonly TextWriter? _writer;
    private readonly Func<Stream>? _open;
    private readonly string _fingerprint;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Stream? _stream;

    private ResultSink(TextWriter? writer, Func<Stream>? open, string fingerprint)
    {
        _writer = writer;
        _open = open;
        _fingerprint = fingerprint;
    }

    /// <summary>Gets the number of lines written.</summary>
    public int LinesWritten { get; private set; }

    /// <summary>Writes to a text writer (standard output), which is not disposed.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="fingerprint">The run's fingerprint, written in every line.</param>
    /// <returns>The sink.</returns>
    public static ResultSink ToWriter(TextWriter writer, string fingerprint) => new(writer, null, fingerprint);

    /// <summary>Writes UTF-8 to a stream opened on the first line, which the sink disposes.</summary>
    /// <param name="open">Opens the stream.</param>
    /// <param name="fingerprint">The run's fingerprint, written in every line.</param>
    /// <returns>The sink.</returns>
    public static ResultSink ToStream(Func<Stream> open, string fingerprint) => new(null, open, fingerprint);

    /// <summary>Writes one result line and flushes it.</summary>
    /// <param name="id">The document's id.</param>
    /// <param name="result">The result.</param>
    /// <exception cref="CliException">Standard output was closed, or it cannot be written.</exception>
    public void Write(DocumentId id, ExtractionResult result)
    {
        ResultLines.Write(id, result, _fingerprint, _buffer);
        _buffer.Write("\n"u8);
        if (_open is not null)
        {
            _stream ??= _open();
            _stream.Write(_buffer.WrittenSpan);
            _stream.Flush();
        }
        else
        {
            try
            {
                _writer!.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
                _writer.Flush();
            }
            catch (IOException error)
            {
                throw error.HResult == BrokenPipe || error.Message.Contains("pipe", StringComparison.OrdinalIgnoreCase)
                    ? new CliException($"standard output was closed by its reader after {Formats.Count(LinesWritten, "line")}; stopped.", ExitCodes.OutputClosed)
                    : new CliException($"standard output cannot be written after {Formats.Count(LinesWritten, "line")}: {error.Message}");
            }
        }

        LinesWritten++;
    }

    /// <summary>Makes sure a file exists at the end of a complete run, even one without lines (an empty input), and drops a partial last line.</summary>
    public void Complete()
    {
        if (_open is not null)
        {
            _stream ??= _open();
        }
    }

    /// <summary>Closes the file (not a text writer).</summary>
    public void Dispose() => _stream?.Dispose();
}

using System.Buffers;
using System.Text;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Writes result lines one by one, each followed by a newline and flushed at once, so that an interruption leaves only
/// complete lines (at worst one partial last line, which <c>--resume</c> drops).
/// </summary>
internal sealed class ResultSink : IDisposable
{
    private readonly TextWriter? _writer;
    private readonly Stream? _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    private ResultSink(TextWriter? writer, Stream? stream)
    {
        _writer = writer;
        _stream = stream;
    }

    /// <summary>Gets the number of lines written.</summary>
    public int LinesWritten { get; private set; }

    /// <summary>Writes to a text writer (standard output), which is not disposed.</summary>
    /// <param name="writer">The writer.</param>
    /// <returns>The sink.</returns>
    public static ResultSink ToWriter(TextWriter writer) => new(writer, null);

    /// <summary>Writes UTF-8 to a stream, which the sink disposes.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>The sink.</returns>
    public static ResultSink ToStream(Stream stream) => new(null, stream);

    /// <summary>Writes one result line and flushes it.</summary>
    /// <param name="id">The document's id.</param>
    /// <param name="result">The result.</param>
    public void Write(DocumentId id, ExtractionResult result)
    {
        ResultLines.Write(id, result, _buffer);
        _buffer.Write("\n"u8);
        if (_stream is not null)
        {
            _stream.Write(_buffer.WrittenSpan);
            _stream.Flush();
        }
        else
        {
            _writer!.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _writer.Flush();
        }

        LinesWritten++;
    }

    /// <summary>Closes the file (not a text writer).</summary>
    public void Dispose() => _stream?.Dispose();
}

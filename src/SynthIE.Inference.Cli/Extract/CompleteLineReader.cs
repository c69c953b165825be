using System.Buffers;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Reads the complete lines of a JSON Lines output file in order, streaming (resume, merge). A last line without its newline is an interrupted write:
/// it is not returned, and <see cref="PartialBytes"/> says how long it is.
/// </summary>
internal sealed class CompleteLineReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _chunk = new byte[1 << 16];
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private int _start;
    private int _end;
    private bool _atEnd;
    private long _chunkOffset;

    private CompleteLineReader(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the number of complete lines returned so far.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Gets the length in bytes of the complete lines returned so far, newlines included.</summary>
    public long CompleteLength { get; private set; }

    /// <summary>Gets the length of a trailing partial line, once the end was reached (0 when none).</summary>
    public long PartialBytes { get; private set; }

    /// <summary>Opens a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="CliException">The file cannot be opened.</exception>
    public static CompleteLineReader Open(string path)
    {
        try
        {
            return new CompleteLineReader(path, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot be read ({error.Message}).", error);
        }
    }

    /// <summary>Reads the next complete line, without its newline.</summary>
    /// <returns>The line (valid until the next call), or <see langword="null"/> at the end of the complete lines.</returns>
    /// <exception cref="CliException">The file cannot be read.</exception>
    public ReadOnlyMemory<byte>? Next()
    {
        _line.ResetWrittenCount();
        while (true)
        {
            if (_start == _end)
            {
                if (_atEnd || !Fill())
                {
                    PartialBytes = _line.WrittenCount;
                    return null;
                }
            }

            int newline = Array.IndexOf(_chunk, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                _line.Write(_chunk.AsSpan(_start, _end - _start));
                _start = _end;
                continue;
            }

            _line.Write(_chunk.AsSpan(_start, newline - _start));
            _start = newline + 1;
            CompleteLength = _chunkOffset + _start;
            LineNumber++;
            return _line.WrittenMemory;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    private bool Fill()
    {
        try
        {
            _chunkOffset += _end;
            _end = _stream.Read(_chunk, 0, _chunk.Length);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{Path}: cannot be read ({error.Message}).", error);
        }

        _start = 0;
        _atEnd = _end == 0;
        return !_atEnd;
    }
}

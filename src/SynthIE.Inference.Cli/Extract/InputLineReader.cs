using System.Buffers;
using System.Globalization;
using System.Text;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Reads the lines of an input once, front to back, as UTF-8: lines end with <c>\n</c> (a <c>\r</c> before it is
/// dropped), a UTF-8 byte order mark at the start is skipped. Every fault is a <see cref="CliException"/> naming the
/// input and line: bytes that are not UTF-8 (with their offset in the line), a line longer than
/// <see cref="MaxLineBytes"/>, and read errors (a truncated or corrupt <c>.gz</c> file among them).
/// </summary>
internal sealed class InputLineReader : IDisposable
{
    /// <summary>The longest line read, in bytes (8 MiB); a longer one is an error rather than a memory blow-up.</summary>
    public const int MaxLineBytes = 8 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly string _name;
    private readonly byte[] _chunk = new byte[1 << 16];
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private int _chunkStart;
    private int _chunkEnd;
    private bool _atStart = true;
    private bool _ended;

    /// <summary>Initializes a new instance of the <see cref="InputLineReader"/> class.</summary>
    /// <param name="stream">The bytes (disposed with the reader).</param>
    /// <param name="name">The input's name in messages.</param>
    public InputLineReader(Stream stream, string name)
    {
        _stream = stream;
        _name = name;
    }

    /// <summary>Gets the number of lines read so far (the number of the line last returned).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line.</summary>
    /// <returns>The line without its end, or <see langword="null"/> at the end of the input.</returns>
    /// <exception cref="CliException">The line is not UTF-8 or too long, or the input cannot be read.</exception>
    public string? ReadLine()
    {
        if (_ended)
        {
            return null;
        }

        _line.ResetWrittenCount();
        while (true)
        {
            if (_chunkStart == _chunkEnd && !Fill())
            {
                _ended = true;
                if (_line.WrittenCount == 0)
                {
                    return null;
                }

                LineNumber++;
                return Decode();
            }

            ReadOnlySpan<byte> available = _chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart);
            int newline = available.IndexOf((byte)'\n');
            ReadOnlySpan<byte> part = newline < 0 ? available : available[..newline];
            if ((long)_line.WrittenCount + part.Length > MaxLineBytes)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"{_name}:{LineNumber + 1}: the line is longer than {Formats.Count(MaxLineBytes)} bytes, the longest this tool reads."));
            }

            _line.Write(part);
            _chunkStart += newline < 0 ? part.Length : newline + 1;
            if (newline >= 0)
            {
                LineNumber++;
                return Decode();
            }
        }
    }

    /// <summary>Closes the input.</summary>
    public void Dispose() => _stream.Dispose();

    private bool Fill()
    {
        int read;
        try
        {
            read = _stream.Read(_chunk, 0, _chunk.Length);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            string reached = LineNumber == 0 ? "before its first line" : string.Create(CultureInfo.InvariantCulture, $"after line {LineNumber}");
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{_name}:{LineNumber + 1}: cannot be read {reached}: {error.Message}"), error);
        }

        _chunkStart = 0;
        _chunkEnd = Math.Max(read, 0);
        if (_atStart && read > 0)
        {
            _atStart = false;
            CheckStart();
        }

        return read > 0;
    }

    private void CheckStart()
    {
        ReadOnlySpan<byte> start = _chunk.AsSpan(0, _chunkEnd);
        if (start.StartsWith("\xEF\xBB\xBF"u8))
        {
            _chunkStart = 3;
        }
        else if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new CliException($"{_name}:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); convert it to UTF-8.");
        }
    }

    private string Decode()
    {
        ReadOnlySpan<byte> bytes = _line.WrittenSpan;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException error)
        {
            int offset = Utf8Error(bytes);
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{_name}:{LineNumber}: invalid UTF-8 at byte {offset + 1} of the line (0x{bytes[offset]:X2}); the input must be UTF-8."), error);
        }
    }

    private static int Utf8Error(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return 0;
    }
}

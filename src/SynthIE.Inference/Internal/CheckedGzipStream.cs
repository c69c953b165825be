using System.Buffers.Binary;
using System.IO.Compression;

namespace SynthIE.Inference.Internal;

/// <summary>
/// Decompresses gzip data (one member or several, concatenated) and checks what .NET's <see cref="GZipStream"/> lets
/// pass: data that ends before a member's end (a truncated download or copy) and members whose trailer (CRC-32 and
/// length) does not match the data. Each fault is an <see cref="InvalidDataException"/> raised when the reader reaches
/// it, so everything before it has been read. Each member's deflate data is inflated by <see cref="DeflateStream"/>;
/// the bytes it read past the member's end are found again by locating the trailer in the last bytes handed to it.
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    private const int FeedSize = 4096;
    private readonly Stream _compressed;
    private readonly byte[] _history = new byte[(2 * FeedSize) + 8];
    private byte[] _pending = [];
    private int _pendingOffset;
    private int _historyLength;
    private DeflateStream? _member;
    private GzipCrc32 _crc;
    private uint _memberLength;
    private bool _ranOut;
    private bool _done;
    private int _members;

    /// <summary>Initializes a new instance of the <see cref="CheckedGzipStream"/> class.</summary>
    /// <param name="compressed">The gzip bytes; disposed with this stream.</param>
    public CheckedGzipStream(Stream compressed) => _compressed = compressed;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        while (!_done && buffer.Length > 0)
        {
            if (_member is null && !StartMember())
            {
                _done = true;
                return 0;
            }

            int read = _member!.Read(buffer);
            if (read > 0)
            {
                _crc.Append(buffer[..read]);
                _memberLength += (uint)read;
                return read;
            }

            if (_ranOut)
            {
                throw new InvalidDataException("the gzip data ends early: the file is truncated");
            }

            FinishMember();
        }

        return 0;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads a member's header; false at the end of the data (after at least one member).</summary>
    private bool StartMember()
    {
        int first = NextByte();
        if (first < 0)
        {
            return _members > 0 ? false : throw new InvalidDataException("the file is empty, not gzip data");
        }

        if (first != 0x1f || NextByte() != 0x8b)
        {
            throw new InvalidDataException(_members == 0 ? "not gzip data (no gzip header)" : "unexpected bytes after the end of the gzip data");
        }

        if (RequiredByte() != 8)
        {
            throw new InvalidDataException("unknown gzip compression method");
        }

        int flags = RequiredByte();
        if ((flags & 0xE0) != 0)
        {
            throw new InvalidDataException("reserved gzip header flags are set");
        }

        for (int i = 0; i < 6; i++)
        {
            RequiredByte(); // modification time, extra flags, operating system
        }

        if ((flags & 4) != 0)
        {
            int extra = RequiredByte() | (RequiredByte() << 8);
            for (int i = 0; i < extra; i++)
            {
                RequiredByte();
            }
        }

        for (int bit = 8; bit <= 16; bit += 8)
        {
            if ((flags & bit) != 0)
            {
                while (RequiredByte() != 0)
                {
                    // a file name or comment, zero-terminated
                }
            }
        }

        if ((flags & 2) != 0)
        {
            RequiredByte();
            RequiredByte();
        }

        _members++;
        _crc = new GzipCrc32();
        _memberLength = 0;
        _historyLength = 0;
        _ranOut = false;
        _member = new DeflateStream(new Feeder(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>Finds the trailer after the deflate data, checks it, and keeps the bytes after it for the next member.</summary>
    private void FinishMember()
    {
        _member!.Dispose();
        _member = null;
        int length = _historyLength;
        while (length < _historyLength + 8)
        {
            int b = NextByte();
            if (b < 0)
            {
                break;
            }

            _history[length++] = (byte)b;
        }

        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, _crc.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], _memberLength);
        int at = FindTrailer(expected, length);
        if (at < 0)
        {
            throw new InvalidDataException(length - _historyLength < 8 ? "the gzip data ends early: the file is truncated or corrupt (no valid trailer)" : "the gzip trailer's CRC or length does not match the data: the file is truncated or corrupt");
        }

        byte[] rest = _history.AsSpan(at + 8, length - at - 8).ToArray();
        byte[] unread = _pending.AsSpan(_pendingOffset).ToArray();
        _pending = [.. rest, .. unread];
        _pendingOffset = 0;
    }

    /// <summary>
    /// Returns where the trailer starts among the last bytes read: the first place holding the expected CRC and length
    /// that is followed by the end of the data or another member's header (else the first place holding them, or -1).
    /// </summary>
    private int FindTrailer(ReadOnlySpan<byte> expected, int length)
    {
        int first = -1;
        for (int start = 0; start + 8 <= length;)
        {
            int found = _history.AsSpan(start, length - start).IndexOf(expected);
            if (found < 0)
            {
                break;
            }

            int at = start + found;
            first = first < 0 ? at : first;
            ReadOnlySpan<byte> after = _history.AsSpan(at + 8, length - at - 8);
            if (after.Length >= 2 ? after[0] == 0x1f && after[1] == 0x8b : after.Length == 0 ? NextIsEndOrHeader() : after[0] == 0x1f && PeekIs(0x8b))
            {
                return at;
            }

            start = at + 1;
        }

        return first;
    }

    private bool NextIsEndOrHeader() => PeekAt(0) < 0 || (PeekAt(0) == 0x1f && PeekAt(1) == 0x8b);

    private bool PeekIs(byte value) => PeekAt(0) == value;

    /// <summary>Returns a byte ahead without consuming it (moving it into the pending bytes), or -1 past the end.</summary>
    private int PeekAt(int skip)
    {
        Span<byte> one = stackalloc byte[1];
        while (_pending.Length - _pendingOffset <= skip)
        {
            if (_compressed.Read(one) != 1)
            {
                return -1;
            }

            _pending = [.. _pending.AsSpan(_pendingOffset), one[0]];
            _pendingOffset = 0;
        }

        return _pending[_pendingOffset + skip];
    }

    private int RequiredByte()
    {
        int b = NextByte();
        return b >= 0 ? b : throw new InvalidDataException("the gzip data ends early: the file is truncated (in a header)");
    }

    private int NextByte()
    {
        if (_pendingOffset < _pending.Length)
        {
            return _pending[_pendingOffset++];
        }

        Span<byte> one = stackalloc byte[1];
        return _compressed.Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>Hands compressed bytes to the member's <see cref="DeflateStream"/>, remembering the last ones.</summary>
    private int Feed(Span<byte> buffer)
    {
        buffer = buffer[..Math.Min(buffer.Length, FeedSize)];
        int read;
        if (_pendingOffset < _pending.Length)
        {
            read = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
            _pending.AsSpan(_pendingOffset, read).CopyTo(buffer);
            _pendingOffset += read;
        }
        else
        {
            read = _compressed.Read(buffer);
        }

        if (read <= 0)
        {
            _ranOut = true;
            return 0;
        }

        // Keep the bytes of the last two feeds: the member's deflate data ends inside the last one.
        if (_historyLength + read > 2 * FeedSize)
        {
            int keep = Math.Min(_historyLength, FeedSize);
            _history.AsSpan(_historyLength - keep, keep).CopyTo(_history);
            _historyLength = keep;
        }

        buffer[..read].CopyTo(_history.AsSpan(_historyLength));
        _historyLength += read;
        return read;
    }

    /// <summary>The stream the member's <see cref="DeflateStream"/> reads.</summary>
    private sealed class Feeder : Stream
    {
        private readonly CheckedGzipStream _owner;

        public Feeder(CheckedGzipStream owner) => _owner = owner;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _owner.Feed(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => _owner.Feed(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

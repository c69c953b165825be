namespace SynthIE.Inference.Internal;

/// <summary>Streams a UTF-8 text file line by line without a string per line (a byte-order mark is skipped).</summary>
internal static class Utf8LineReader
{
    /// <summary>Calls <paramref name="handler"/> for each line of a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="handler">Receives each line and its number.</param>
    public static void ForEachLine(string path, Utf8LineHandler handler)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        ForEachLine(stream, handler);
    }

    /// <summary>Calls <paramref name="handler"/> for each line of a stream (read to its end, not disposed).</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="handler">Receives each line and its number.</param>
    public static void ForEachLine(Stream stream, Utf8LineHandler handler)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(handler);
        byte[] buffer = new byte[1 << 20];
        int filled = 0;
        long lineNumber = 0;
        bool first = true;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            int start = 0;
            if (first)
            {
                first = false;
                if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    start = 3;
                }
            }
            while (true)
            {
                int newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                handler(TrimCarriageReturn(buffer.AsSpan(start, newline)), ++lineNumber);
                start += newline + 1;
            }

            if (read == 0)
            {
                if (start < filled)
                {
                    handler(TrimCarriageReturn(buffer.AsSpan(start, filled - start)), ++lineNumber);
                }

                return;
            }

            // Keep the unfinished line; grow the buffer when a single line fills it.
            int rest = filled - start;
            if (start == 0 && rest == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            else
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, rest);
            }

            filled = rest;
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}

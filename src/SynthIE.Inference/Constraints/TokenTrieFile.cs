using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// The cache file of a <see cref="TokenTrie"/>: a 128-byte header, then the trie's record array exactly as
/// <see cref="TokenTrie"/> reads it, so that opening is a memory map plus checks, with no parsing.
/// <code>
/// offset size  field (little-endian)
///   0      8   magic "SIETRIE\0"
///   8      4   format version (<see cref="FormatVersion"/>)
///  12      4   header size (128)
///  16     32   key: SHA-256 of what the trie was built from (names, tokenizer, continuation ids; see <see cref="ComputeKey"/>)
///  48      4   node count N
///  52      4   continuation id count C (at most 8)
///  56     24   continuation ids (C used)
///  80      4   names left out because their ids decode to other text (part of the count at 112)
///  84      4   names left out because their ids hold the unknown id (part of the count at 112)
///  88      4   sequence count
///  92      4   terminal node count
///  96      8   payload length in bytes
/// 104      8   payload checksum (<see cref="StableHash"/>, 64-bit)
/// 112      4   names left out because they gave no ids, an unknown id, or ids that decode to other text
/// 116      4   record count R (int32s)
/// 120      8   header checksum (<see cref="StableHash"/> of bytes 0..119)
/// 128          records: int32[R] (see <see cref="TokenTrie"/>)
/// </code>
/// Files are written to a temporary name and renamed into place, so a reader never sees half a file.
/// </summary>
internal static class TokenTrieFile
{
    /// <summary>The format version; files with another version are rebuilt.</summary>
    public const int FormatVersion = 2;

    /// <summary>The header size in bytes.</summary>
    public const int HeaderSize = 128;

    private const int MaxContinuationIds = 6;
    private const ulong ChecksumSeed = 0x7121E_F11EUL;
    private static ReadOnlySpan<byte> Magic => "SIETRIE\0"u8;

    /// <summary>
    /// Computes the key a cache file must carry: SHA-256 over the format version, the tokenizer fingerprint, the
    /// order-independent fingerprint of the names, the continuation ids and whether empty names were skipped.
    /// </summary>
    public static byte[] ComputeKey(ReadOnlySpan<byte> tokenizerFingerprint, NameSetFingerprint names, ReadOnlySpan<int> continuationIds, bool skipEmpty)
    {
        int[] continuation = continuationIds.ToArray();
        Array.Sort(continuation);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[NameSetFingerprint.Size];
        hash.AppendData("SynthIE.Inference token trie"u8);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, FormatVersion);
        hash.AppendData(scratch[..4]);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, tokenizerFingerprint.Length);
        hash.AppendData(scratch[..4]);
        hash.AppendData(tokenizerFingerprint);
        names.WriteTo(scratch);
        hash.AppendData(scratch);
        foreach (int id in continuation.Distinct())
        {
            BinaryPrimitives.WriteInt32LittleEndian(scratch, id);
            hash.AppendData(scratch[..4]);
        }

        hash.AppendData(skipEmpty ? "skip-empty"u8 : "keep-empty"u8);
        return hash.GetHashAndReset();
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="key"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, TokenTrieData data, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (key.Length != 32)
        {
            throw new ArgumentException("The key must be 32 bytes (SHA-256).", nameof(key));
        }

        if (data.ContinuationIds.Length > MaxContinuationIds)
        {
            throw new ArgumentException($"At most {MaxContinuationIds} continuation ids fit in the file header.", nameof(data));
        }

        ReadOnlySpan<byte> records = MemoryMarshal.AsBytes(data.Records.AsSpan(0, data.RecordLength));
        long payloadLength = records.Length;
        ulong checksum = StableHash.Hash64(records, ChecksumSeed);

        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], HeaderSize);
        key.CopyTo(header[16..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[48..], data.NodeCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[52..], data.ContinuationIds.Length);
        for (int i = 0; i < data.ContinuationIds.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[(56 + (4 * i))..], data.ContinuationIds[i]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(header[80..], data.SkippedChangedCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[84..], data.SkippedUnknownCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[88..], data.SequenceCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[92..], data.TerminalCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[96..], payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[104..], checksum);
        BinaryPrimitives.WriteInt32LittleEndian(header[112..], data.SkippedCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[116..], data.RecordLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[120..], StableHash.Hash64(header[..120], ChecksumSeed));

        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = $"{fullPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(header);
                stream.Write(records);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Opens a cache file if it is intact and carries <paramref name="expectedKey"/>; otherwise returns
    /// <see langword="null"/> with the reason (missing, other version, other key, truncated, checksum mismatch).
    /// </summary>
    public static unsafe TokenTrie? TryOpen(string path, ReadOnlySpan<byte> expectedKey, bool verifyChecksum, out string reason)
    {
        if (!File.Exists(path))
        {
            reason = "the file does not exist";
            return null;
        }

        long fileLength = new FileInfo(path).Length;
        if (fileLength < HeaderSize)
        {
            reason = $"the file is {fileLength} bytes, shorter than the {HeaderSize}-byte header";
            return null;
        }

        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;
            var header = new ReadOnlySpan<byte>(pointer, HeaderSize);
            reason = CheckHeader(header, expectedKey, fileLength);
            if (reason.Length > 0)
            {
                return null;
            }

            int continuationCount = BinaryPrimitives.ReadInt32LittleEndian(header[52..]);
            int[] continuation = new int[continuationCount];
            for (int i = 0; i < continuationCount; i++)
            {
                continuation[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(56 + (4 * i))..]);
            }

            int recordLength = BinaryPrimitives.ReadInt32LittleEndian(header[116..]);
            int* records = (int*)(pointer + HeaderSize);
            if (verifyChecksum)
            {
                ulong checksum = StableHash.Hash64(new ReadOnlySpan<byte>(records, checked(recordLength * sizeof(int))), ChecksumSeed);
                if (checksum != BinaryPrimitives.ReadUInt64LittleEndian(header[104..]))
                {
                    reason = "the payload checksum does not match (the file is damaged)";
                    return null;
                }
            }

            var trie = new TokenTrie(
                file,
                view,
                records,
                recordLength,
                BinaryPrimitives.ReadInt32LittleEndian(header[48..]),
                continuation,
                BinaryPrimitives.ReadInt32LittleEndian(header[88..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[92..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[112..]))
            {
                SkippedUnknownCount = BinaryPrimitives.ReadInt32LittleEndian(header[84..]),
                SkippedChangedCount = BinaryPrimitives.ReadInt32LittleEndian(header[80..]),
            };
            file = null;
            view = null;
            acquired = false;
            reason = string.Empty;
            return trie;
        }
        catch (IOException exception)
        {
            reason = $"the file could not be mapped ({exception.Message})";
            return null;
        }
        catch (UnauthorizedAccessException exception)
        {
            reason = $"the file could not be mapped ({exception.Message})";
            return null;
        }
        finally
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            file?.Dispose();
        }
    }

    /// <summary>
    /// Opens the cache file when it matches <paramref name="key"/>; otherwise builds the trie, writes the file and
    /// opens it. <paramref name="rebuildReason"/> is empty when the file was used as it was. When the file cannot be
    /// written (read-only folder, full disk), the trie built in memory is returned and the reason says so.
    /// </summary>
    public static TokenTrie OpenOrBuild(string path, ReadOnlySpan<byte> key, bool verifyChecksum, Func<TokenTrieData> build, out string rebuildReason)
    {
        ArgumentNullException.ThrowIfNull(build);
        TokenTrie? trie = TryOpen(path, key, verifyChecksum, out string reason);
        if (trie is not null)
        {
            rebuildReason = string.Empty;
            return trie;
        }

        rebuildReason = reason;
        TokenTrieData data = build();
        try
        {
            Write(path, data, key);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            rebuildReason = $"{reason}; the new file could not be written ({exception.Message}), so the trie is kept in memory";
            return TokenTrie.FromData(data);
        }

        trie = TryOpen(path, key, verifyChecksum: false, out reason);
        return trie ?? throw new IOException($"The trie cache file {path} was written but cannot be opened: {reason}.");
    }

    private static string CheckHeader(ReadOnlySpan<byte> header, ReadOnlySpan<byte> expectedKey, long fileLength)
    {
        if (!header[..8].SequenceEqual(Magic))
        {
            return "it is not a token trie file (wrong magic bytes)";
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header[120..]) != StableHash.Hash64(header[..120], ChecksumSeed))
        {
            return "the header checksum does not match (the file is damaged)";
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            return $"it has format version {version}, not {FormatVersion}";
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != HeaderSize)
        {
            return "the header size is wrong";
        }

        if (!header.Slice(16, 32).SequenceEqual(expectedKey))
        {
            return "it was built from other names or another tokenizer (key mismatch)";
        }

        int n = BinaryPrimitives.ReadInt32LittleEndian(header[48..]);
        int continuationCount = BinaryPrimitives.ReadInt32LittleEndian(header[52..]);
        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header[96..]);
        int recordLength = BinaryPrimitives.ReadInt32LittleEndian(header[116..]);
        if (n < 1 || continuationCount is < 0 or > MaxContinuationIds || recordLength < TokenTrie.Root + 1
            || payloadLength != (long)recordLength * sizeof(int))
        {
            return "the header holds impossible sizes";
        }

        if (HeaderSize + payloadLength != fileLength)
        {
            return $"the file is {fileLength} bytes but the header says {HeaderSize + payloadLength} (truncated or extended)";
        }

        return string.Empty;
    }
}

using System.Buffers;
using System.Text;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// A compact set of distinct strings: UTF-8 bytes in 1 MiB chunks (growing never copies them), the end position of
/// each string, and an open-addressing hash index of string numbers at most 3/4 full — about 9 bytes per string
/// besides its bytes, instead of a .NET string object and a dictionary entry, which matters for the millions of names
/// of SynthIE's world. Filled once, then only read; reading is thread-safe.
/// </summary>
internal sealed class Utf8StringTable
{
    /// <summary>The longest string in bytes (a chunk).</summary>
    public const int MaxStringBytes = ChunkSize;

    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;
    private const ulong Seed = 0x7AB1E_5EEDUL;

    private readonly List<byte[]> _chunks = [];
    private int _end;
    private int[] _ends;
    private int[] _slots;
    private int _count;

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">Expected number of strings (the table grows past it).</param>
    public Utf8StringTable(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _ends = new int[capacity];
        _slots = new int[SlotCountFor(capacity)];
    }

    /// <summary>Gets the number of strings.</summary>
    public int Count => _count;

    /// <summary>Gets the total number of UTF-8 bytes stored.</summary>
    public long ByteCount { get; private set; }

    /// <summary>Returns the string at <paramref name="index"/>.</summary>
    public string this[int index] => Encoding.UTF8.GetString(GetUtf8(index));

    /// <summary>Returns the UTF-8 bytes of the string at <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetUtf8(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        int end = _ends[index];
        int start = index == 0 ? 0 : _ends[index - 1];
        if (end == start)
        {
            return [];
        }

        // A string never spans chunks: it starts at the previous end or, when that was in an earlier chunk, at the
        // start of its own chunk.
        int chunk = (end - 1) >> ChunkBits;
        start = Math.Max(start, chunk << ChunkBits);
        return _chunks[chunk].AsSpan(start - (chunk << ChunkBits), end - start);
    }

    /// <summary>Adds <paramref name="text"/> unless present; returns its index and whether it was added.</summary>
    public int Add(ReadOnlySpan<char> text, out bool added)
    {
        using var utf8 = new Utf8Scratch(text);
        return AddUtf8(utf8.Bytes, out added);
    }

    /// <summary>Adds UTF-8 bytes unless present; returns the index and whether they were added.</summary>
    public int AddUtf8(ReadOnlySpan<byte> utf8, out bool added)
    {
        if (utf8.Length > MaxStringBytes)
        {
            throw new ArgumentException($"A string of {utf8.Length:N0} bytes is longer than the {MaxStringBytes:N0} bytes allowed.", nameof(utf8));
        }

        int existing = Find(utf8, out int slot);
        if (existing >= 0)
        {
            added = false;
            return existing;
        }

        if (_count == _ends.Length || (_count + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
            Find(utf8, out slot);
        }

        // Start a new chunk when the string does not fit in what is left of the current one.
        if (utf8.Length > 0)
        {
            int last = _chunks.Count - 1;
            long free = last < 0 ? 0 : ((long)last << ChunkBits) + _chunks[last].Length - _end;
            if (utf8.Length > free)
            {
                if (((long)_chunks.Count + 1) << ChunkBits > int.MaxValue)
                {
                    throw new InvalidOperationException("Too many bytes for one string table (2 GB).");
                }

                _end = _chunks.Count << ChunkBits;
                _chunks.Add(new byte[ChunkSize]);
            }

            utf8.CopyTo(_chunks[_end >> ChunkBits].AsSpan(_end & (ChunkSize - 1)));
        }

        _end += utf8.Length;
        ByteCount += utf8.Length;
        int index = _count++;
        _ends[index] = _end;
        _slots[slot] = index + 1;
        added = true;
        return index;
    }

    /// <summary>Returns the index of <paramref name="text"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> text)
    {
        using var utf8 = new Utf8Scratch(text);
        return Find(utf8.Bytes, out _);
    }

    /// <summary>Returns the index of the string with these UTF-8 bytes, or -1.</summary>
    public int IndexOfUtf8(ReadOnlySpan<byte> utf8) => Find(utf8, out _);

    /// <summary>Releases spare capacity once filling is done: the unused end of the last chunk, spare ends and index slots.</summary>
    public void TrimExcess()
    {
        if (_chunks.Count > 0)
        {
            int used = _end - ((_chunks.Count - 1) << ChunkBits);
            if (used < ChunkSize)
            {
                byte[] last = _chunks[^1];
                Array.Resize(ref last, Math.Max(used, 0));
                _chunks[^1] = last;
            }
        }

        if (_ends.Length > _count)
        {
            Array.Resize(ref _ends, _count);
        }

        int slots = SlotCountFor(_count);
        if (slots < _slots.Length)
        {
            Rehash(slots);
        }
    }

    private static int HashOf(ReadOnlySpan<byte> utf8) => (int)StableHash.Hash64(utf8, Seed);

    private static int SlotCountFor(int count) => (int)Math.Min((((long)count + 1) * 4 / 3) + 8, Array.MaxLength);

    /// <summary>Maps a hash onto [0, slots) by multiplication (slot counts need not be powers of two).</summary>
    private static int Home(int hash, int slots) => (int)(((ulong)(uint)hash * (ulong)(uint)slots) >> 32);

    private int Find(ReadOnlySpan<byte> utf8, out int slot)
    {
        int[] slots = _slots;
        int position = Home(HashOf(utf8), slots.Length);
        while (true)
        {
            int entry = slots[position];
            if (entry == 0)
            {
                slot = position;
                return -1;
            }

            if (utf8.SequenceEqual(GetUtf8(entry - 1)))
            {
                slot = position;
                return entry - 1;
            }

            position = position + 1 == slots.Length ? 0 : position + 1;
        }
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)_ends.Length * 2, Array.MaxLength);
        Array.Resize(ref _ends, capacity);
        Rehash(SlotCountFor(capacity));
    }

    private void Rehash(int slotCount)
    {
        _slots = new int[slotCount];
        for (int index = 0; index < _count; index++)
        {
            int position = Home(HashOf(GetUtf8(index)), slotCount);
            while (_slots[position] != 0)
            {
                position = position + 1 == slotCount ? 0 : position + 1;
            }

            _slots[position] = index + 1;
        }
    }

    /// <summary>UTF-8 bytes of a char span in a pooled buffer.</summary>
    private readonly ref struct Utf8Scratch
    {
        private readonly byte[] _rented;

        public Utf8Scratch(ReadOnlySpan<char> text)
        {
            _rented = ArrayPool<byte>.Shared.Rent(Math.Max(Encoding.UTF8.GetMaxByteCount(text.Length), 256));
            Bytes = _rented.AsSpan(0, Encoding.UTF8.GetBytes(text, _rented));
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_rented);
    }
}

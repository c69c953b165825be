using System.Buffers;
using System.Text;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// A compact set of distinct strings: UTF-8 bytes in one array, an offset per string, and an open-addressing hash index
/// of string numbers (about 9 bytes per string besides its bytes, instead of a .NET string object and a dictionary
/// entry, which matters for the millions of names of SynthIE's world). Filled once, then only read; reading is
/// thread-safe.
/// </summary>
internal sealed class Utf8StringTable
{
    private const ulong Seed = 0x7AB1E_5EEDUL;

    private byte[] _bytes;
    private int _byteCount;
    private int[] _offsets;
    private int[] _slots;
    private int _count;

    public Utf8StringTable(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _bytes = new byte[Math.Min((long)capacity * 16, Array.MaxLength)];
        _offsets = new int[capacity + 1];
        _slots = new int[SlotCountFor(capacity, maxLoad: 0.5)];
    }

    /// <summary>Gets the number of strings.</summary>
    public int Count => _count;

    /// <summary>Gets the total number of UTF-8 bytes stored.</summary>
    public long ByteCount => _byteCount;

    /// <summary>Returns the string at <paramref name="index"/>.</summary>
    public string this[int index] => Encoding.UTF8.GetString(GetUtf8(index));

    /// <summary>Returns the UTF-8 bytes of the string at <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetUtf8(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);
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
        int existing = Find(utf8, out int slot);
        if (existing >= 0)
        {
            added = false;
            return existing;
        }

        if (_count + 1 >= _offsets.Length || (_count + 1) * 2L > _slots.Length)
        {
            Grow();
            Find(utf8, out slot);
        }

        if ((long)_byteCount + utf8.Length > _bytes.Length)
        {
            long size = Math.Max((long)_bytes.Length * 2, (long)_byteCount + utf8.Length);
            if ((long)_byteCount + utf8.Length > Array.MaxLength)
            {
                throw new InvalidOperationException("Too many name bytes for one string table (over 2 GB).");
            }

            Array.Resize(ref _bytes, (int)Math.Min(size, Array.MaxLength));
        }

        utf8.CopyTo(_bytes.AsSpan(_byteCount));
        int index = _count++;
        _byteCount += utf8.Length;
        _offsets[_count] = _byteCount;
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

    /// <summary>Releases spare capacity once filling is done (the index is rebuilt at most 3/4 full).</summary>
    public void TrimExcess()
    {
        Array.Resize(ref _bytes, _byteCount);
        Array.Resize(ref _offsets, _count + 1);
        Rehash(SlotCountFor(_count, maxLoad: 0.75));
    }

    private static int HashOf(ReadOnlySpan<byte> utf8) => (int)StableHash.Hash64(utf8, Seed);

    private static int SlotCountFor(int count, double maxLoad)
    {
        long slots = 8;
        while (slots * maxLoad < count + 1)
        {
            slots *= 2;
        }

        return (int)Math.Min(slots, 1 << 30);
    }

    private int Find(ReadOnlySpan<byte> utf8, out int slot)
    {
        int mask = _slots.Length - 1;
        int position = HashOf(utf8) & mask;
        while (true)
        {
            int entry = _slots[position];
            if (entry == 0)
            {
                slot = position;
                return -1;
            }

            int index = entry - 1;
            int start = _offsets[index];
            if (_offsets[index + 1] - start == utf8.Length && utf8.SequenceEqual(_bytes.AsSpan(start, utf8.Length)))
            {
                slot = position;
                return index;
            }

            position = (position + 1) & mask;
        }
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)(_offsets.Length - 1) * 2, Array.MaxLength - 1);
        Array.Resize(ref _offsets, capacity + 1);
        Rehash(SlotCountFor(capacity, maxLoad: 0.5));
    }

    private void Rehash(int slotCount)
    {
        _slots = new int[slotCount];
        int mask = slotCount - 1;
        for (int index = 0; index < _count; index++)
        {
            int position = HashOf(GetUtf8(index)) & mask;
            while (_slots[position] != 0)
            {
                position = (position + 1) & mask;
            }

            _slots[position] = index + 1;
        }
    }

    /// <summary>UTF-8 bytes of a char span in a stack-sized or pooled buffer.</summary>
    private readonly ref struct Utf8Scratch
    {
        private readonly byte[]? _rented;

        public Utf8Scratch(ReadOnlySpan<char> text)
        {
            int max = Encoding.UTF8.GetMaxByteCount(text.Length);
            _rented = ArrayPool<byte>.Shared.Rent(Math.Max(max, 256));
            Bytes = _rented.AsSpan(0, Encoding.UTF8.GetBytes(text, _rented));
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }
        }
    }
}

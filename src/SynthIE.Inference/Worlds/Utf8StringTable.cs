using System.Buffers;
using System.Text;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// A compact set of distinct strings: UTF-8 bytes in one array, an offset per string, and an open-addressing hash index.
/// About 10 bytes of overhead per string instead of a .NET string object and a dictionary entry (which matters for
/// the 2.6 million entity names of SynthIE's world). Filled once, then only read; reading is thread-safe.
/// </summary>
internal sealed class Utf8StringTable
{
    private const ulong Seed = 0x7AB1E_5EEDUL;

    private byte[] _bytes;
    private int _byteCount;
    private int[] _offsets;
    private int[] _hashes;
    private int[] _slots;
    private int _count;

    public Utf8StringTable(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _bytes = new byte[capacity * 16];
        _offsets = new int[capacity + 1];
        _hashes = new int[capacity];
        _slots = new int[SlotCountFor(capacity)];
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
        byte[]? rented = null;
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(text, utf8);
        int index = AddUtf8(utf8[..length], out added);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return index;
    }

    /// <summary>Adds UTF-8 bytes unless present; returns the index and whether they were added.</summary>
    public int AddUtf8(ReadOnlySpan<byte> utf8, out bool added)
    {
        int hash = HashOf(utf8);
        int existing = Find(utf8, hash, out int slot);
        if (existing >= 0)
        {
            added = false;
            return existing;
        }

        if (_count == _hashes.Length)
        {
            Grow();
            Find(utf8, hash, out slot);
        }

        if (_byteCount + utf8.Length > _bytes.Length)
        {
            long size = Math.Max((long)_bytes.Length * 2, (long)_byteCount + utf8.Length);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException("Too many name bytes for one string table (over 2 GB).");
            }

            Array.Resize(ref _bytes, (int)size);
        }

        utf8.CopyTo(_bytes.AsSpan(_byteCount));
        int index = _count++;
        _hashes[index] = hash;
        _byteCount += utf8.Length;
        _offsets[_count] = _byteCount;
        _slots[slot] = index + 1;
        added = true;
        return index;
    }

    /// <summary>Returns the index of <paramref name="text"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> text)
    {
        byte[]? rented = null;
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int length = Encoding.UTF8.GetBytes(text, utf8);
        int index = Find(utf8[..length], HashOf(utf8[..length]), out _);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return index;
    }

    /// <summary>Releases spare capacity once filling is done.</summary>
    public void TrimExcess()
    {
        Array.Resize(ref _bytes, _byteCount);
        Array.Resize(ref _offsets, _count + 1);
        Array.Resize(ref _hashes, _count);
    }

    private static int HashOf(ReadOnlySpan<byte> utf8) => (int)StableHash.Hash64(utf8, Seed);

    private static int SlotCountFor(int capacity)
    {
        // Load factor at most 1/2.
        long slots = 8;
        while (slots < (long)capacity * 2)
        {
            slots *= 2;
        }

        return (int)Math.Min(slots, 1 << 30);
    }

    private int Find(ReadOnlySpan<byte> utf8, int hash, out int slot)
    {
        int mask = _slots.Length - 1;
        int position = hash & mask;
        while (true)
        {
            int entry = _slots[position];
            if (entry == 0)
            {
                slot = position;
                return -1;
            }

            int index = entry - 1;
            if (_hashes[index] == hash
                && utf8.SequenceEqual(_bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index])))
            {
                slot = position;
                return index;
            }

            position = (position + 1) & mask;
        }
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)_hashes.Length * 2, Array.MaxLength - 1);
        Array.Resize(ref _hashes, capacity);
        Array.Resize(ref _offsets, capacity + 1);
        _slots = new int[SlotCountFor(capacity)];
        int mask = _slots.Length - 1;
        for (int index = 0; index < _count; index++)
        {
            int position = _hashes[index] & mask;
            while (_slots[position] != 0)
            {
                position = (position + 1) & mask;
            }

            _slots[position] = index + 1;
        }
    }
}

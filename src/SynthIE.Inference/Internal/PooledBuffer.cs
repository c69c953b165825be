using System.Runtime.CompilerServices;

namespace SynthIE.Inference.Internal;

/// <summary>A growable buffer from <see cref="ScratchArrays"/> (pooled when small); dispose it to give the array back.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal ref struct PooledBuffer<T>
{
    private T[] _array;

    public PooledBuffer(int initialCapacity)
    {
        _array = ScratchArrays.Rent<T>(Math.Max(initialCapacity, 16));
        Count = 0;
    }

    /// <summary>Gets or sets the number of elements in use.</summary>
    public int Count { get; set; }

    /// <summary>Gets the whole rented array (its length is the capacity).</summary>
    public readonly T[] Array => _array;

    public readonly Span<T> Written => _array.AsSpan(0, Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _array.Length)
        {
            Grow(capacity);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        if (Count == _array.Length)
        {
            Grow(Count + 1);
        }

        _array[Count++] = item;
    }

    public void Dispose()
    {
        T[] array = _array;
        _array = [];
        Count = 0;
        ScratchArrays.Return(array);
    }

    private void Grow(int capacity)
    {
        long doubled = Math.Max((long)_array.Length * 2, capacity);
        int newLength = (int)Math.Min(doubled, System.Array.MaxLength);
        if (newLength < capacity)
        {
            throw new InsufficientMemoryException($"A tokenizer buffer of {capacity} elements exceeds the largest array .NET allows.");
        }

        T[] bigger = ScratchArrays.Rent<T>(newLength);
        _array.AsSpan(0, Count).CopyTo(bigger);
        T[] old = _array;
        _array = bigger;
        ScratchArrays.Return(old);
    }
}

using System.Buffers;

namespace SynthIE.Inference.Internal;

/// <summary>
/// Scratch arrays for one encode call: small ones (up to <see cref="MaxPooledLength"/> elements, i.e. texts up to a few
/// hundred thousand characters) come from <see cref="ArrayPool{T}.Shared"/>, so ordinary calls allocate nothing;
/// larger ones are plain arrays, so that one huge text does not leave hundreds of megabytes parked in the pool.
/// </summary>
internal static class ScratchArrays
{
    public const int MaxPooledLength = 1 << 20;

    public static T[] Rent<T>(int length) =>
        length <= MaxPooledLength ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);

    public static void Return<T>(T[] array)
    {
        if (array.Length is > 0 and <= MaxPooledLength)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }
}

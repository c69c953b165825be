namespace SynthIE.Inference.Worlds;

/// <summary>Turns byte positions of a file into 1-based line numbers, for positions that only grow (or restart).</summary>
/// <param name="bytes">The file's bytes.</param>
internal sealed class LineCounter(byte[] bytes)
{
    private long _position;
    private long _line = 1;

    /// <summary>Returns the 1-based line of a byte position (positions past the end count as the end).</summary>
    /// <param name="position">The byte position.</param>
    /// <returns>The line number.</returns>
    public long LineOf(long position)
    {
        position = Math.Min(position, bytes.Length);
        if (position < _position)
        {
            _position = 0;
            _line = 1;
        }

        _line += bytes.AsSpan((int)_position, (int)(position - _position)).Count((byte)'\n');
        _position = position;
        return _line;
    }
}

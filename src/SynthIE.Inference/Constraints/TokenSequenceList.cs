namespace SynthIE.Inference.Constraints;

/// <summary>A growable list of token-id sequences stored in one flat buffer (no array per sequence).</summary>
internal sealed class TokenSequenceList
{
    private int[] _tokens;
    private long[] _starts;
    private int _count;
    private long _tokenCount;

    public TokenSequenceList(int capacity = 1024, long tokenCapacity = 8192)
    {
        _starts = new long[Math.Max(capacity, 4) + 1];
        _tokens = new int[Math.Max(tokenCapacity, 64)];
    }

    public int Count => _count;

    public long TokenCount => _tokenCount;

    public ReadOnlySpan<int> this[int index] =>
        _tokens.AsSpan((int)_starts[index], (int)(_starts[index + 1] - _starts[index]));

    public void Add(ReadOnlySpan<int> sequence)
    {
        if (_count + 1 >= _starts.Length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
        }

        if (_tokenCount + sequence.Length > _tokens.Length)
        {
            long size = Math.Max((long)_tokens.Length * 2, _tokenCount + sequence.Length);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException("Too many tokens for one trie (over 2^31).");
            }

            Array.Resize(ref _tokens, (int)size);
        }

        sequence.CopyTo(_tokens.AsSpan((int)_tokenCount));
        _tokenCount += sequence.Length;
        _count++;
        _starts[_count] = _tokenCount;
    }

    /// <summary>Returns the length of sequence <paramref name="index"/>.</summary>
    public int LengthOf(int index) => (int)(_starts[index + 1] - _starts[index]);

    /// <summary>Returns token <paramref name="position"/> of sequence <paramref name="index"/> (no bounds check against the sequence).</summary>
    public int TokenAt(int index, int position) => _tokens[_starts[index] + position];

    /// <summary>Compares two sequences lexicographically (a proper prefix sorts first).</summary>
    public int Compare(int left, int right)
    {
        ReadOnlySpan<int> a = this[left];
        ReadOnlySpan<int> b = this[right];
        return a.SequenceCompareTo(b);
    }
}

namespace SynthIE.Inference.Generation;

/// <summary>
/// The token histories of all hypotheses as a tree of back-pointers: appending a token to a beam is O(1) and
/// reordering beams copies nothing. Sized once for the whole search.
/// </summary>
internal sealed class TokenTree
{
    private readonly int[] _tokens;
    private readonly int[] _parents;

    /// <summary>Initializes a new instance of the <see cref="TokenTree"/> class.</summary>
    /// <param name="capacity">The most nodes the search can add.</param>
    public TokenTree(int capacity)
    {
        _tokens = new int[capacity];
        _parents = new int[capacity];
    }

    /// <summary>Gets the number of nodes.</summary>
    public int Count { get; private set; }

    /// <summary>Removes every node.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds a node.</summary>
    /// <param name="parent">The previous token's node, or −1 for a first token.</param>
    /// <param name="token">The token.</param>
    /// <returns>The new node.</returns>
    public int Add(int parent, int token)
    {
        int node = Count++;
        _tokens[node] = token;
        _parents[node] = parent;
        return node;
    }

    /// <summary>Returns the tokens from the root to <paramref name="node"/>, optionally followed by one more token.</summary>
    /// <param name="node">The last node.</param>
    /// <param name="length">The number of nodes on the path (the node's depth + 1).</param>
    /// <param name="appendedToken">A token to append, or −1.</param>
    /// <returns>A new array.</returns>
    public int[] ToArray(int node, int length, int appendedToken)
    {
        var result = new int[appendedToken >= 0 ? length + 1 : length];
        if (appendedToken >= 0)
        {
            result[length] = appendedToken;
        }

        for (int i = length - 1; i >= 0; i--)
        {
            result[i] = _tokens[node];
            node = _parents[node];
        }

        return result;
    }
}

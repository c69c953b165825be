namespace SynthIE.Inference.Constraints;

/// <summary>
/// An Aho–Corasick automaton over the token ids of the four linearization markers. Its state is the longest suffix of
/// the ids seen since the last complete marker that is a prefix of some marker, which answers both questions SynthIE's
/// constraint asks by rescanning the prefix: "does the prefix end with a complete marker?" and "does it end with the
/// first k ids of a marker?". States are small integers (0 = nothing matched); transitions are a table lookup.
/// </summary>
internal sealed class MarkerMatcher
{
    private readonly int[][] _markers;
    private readonly int[] _tokenColumn;
    private readonly int[] _next;
    private readonly int _columns;

    /// <summary>Builds the automaton; markers must be non-empty, distinct and must not overlap (see <see cref="Validate"/>).</summary>
    public MarkerMatcher(IReadOnlyList<int[]> markers)
    {
        Validate(markers);
        _markers = [.. markers.Select(marker => marker.ToArray())];

        // Distinct marker tokens become the columns of the transition table; other tokens go back to state 0.
        int[] tokens = [.. _markers.SelectMany(marker => marker).Distinct().Order()];
        _columns = tokens.Length;
        _tokenColumn = new int[tokens[^1] + 1];
        Array.Fill(_tokenColumn, -1);
        for (int i = 0; i < tokens.Length; i++)
        {
            _tokenColumn[tokens[i]] = i;
        }

        // Goto trie of the markers.
        var children = new List<Dictionary<int, int>> { new() };
        var depth = new List<int> { 0 };
        var complete = new List<int> { -1 };
        for (int m = 0; m < _markers.Length; m++)
        {
            int state = 0;
            for (int k = 0; k < _markers[m].Length; k++)
            {
                if (!children[state].TryGetValue(_markers[m][k], out int child))
                {
                    child = children.Count;
                    children.Add([]);
                    depth.Add(k + 1);
                    complete.Add(-1);
                    children[state][_markers[m][k]] = child;
                }

                state = child;
            }

            complete[state] = m;
        }

        StateCount = children.Count;
        CompletedMarker = [.. complete];
        Depth = [.. depth];

        // Failure links in breadth-first order, then the full transition table.
        int[] failure = new int[StateCount];
        _next = new int[StateCount * _columns];
        var queue = new Queue<int>();
        queue.Enqueue(0);
        var order = new List<int>();
        while (queue.Count > 0)
        {
            int state = queue.Dequeue();
            order.Add(state);
            foreach ((int token, int child) in children[state])
            {
                failure[child] = state == 0 ? 0 : Step(children, failure, failure[state], token);
                queue.Enqueue(child);
            }
        }

        foreach (int state in order)
        {
            for (int column = 0; column < _columns; column++)
            {
                _next[(state * _columns) + column] = Step(children, failure, state, tokens[column]);
            }
        }

        Failure = failure;

        // For every state, the marker prefixes that are suffixes of the text (the state and its failure chain).
        MatchedPrefixes = new (int Marker, int Length)[StateCount][];
        for (int state = 0; state < StateCount; state++)
        {
            var matched = new List<(int, int)>();
            for (int s = state; s != 0; s = failure[s])
            {
                // A trie state is a prefix of every marker that shares it.
                for (int m = 0; m < _markers.Length; m++)
                {
                    if (_markers[m].Length >= depth[s] && IsPrefixState(children, m, depth[s], s))
                    {
                        matched.Add((m, depth[s]));
                    }
                }
            }

            MatchedPrefixes[state] = [.. matched];
        }

    }

    /// <summary>Gets the number of states.</summary>
    public int StateCount { get; }

    /// <summary>Gets, per state, the marker completed on entering it, or -1.</summary>
    public int[] CompletedMarker { get; }

    /// <summary>Gets, per state, its length in tokens.</summary>
    public int[] Depth { get; }

    /// <summary>Gets the failure links.</summary>
    public int[] Failure { get; }

    /// <summary>Gets, per state, every (marker, length) such that the marker's first length ids end the text.</summary>
    public (int Marker, int Length)[][] MatchedPrefixes { get; }

    /// <summary>Gets the markers' ids.</summary>
    public IReadOnlyList<int[]> Markers => _markers;

    /// <summary>Returns the state after <paramref name="token"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Next(int state, int token)
    {
        int[] columns = _tokenColumn;
        if ((uint)token >= (uint)columns.Length)
        {
            return 0;
        }

        int column = columns[token];
        return column < 0 ? 0 : _next[(state * _columns) + column];
    }

    /// <summary>
    /// Checks what the incremental constraint relies on to match SynthIE's rescanning exactly: markers are non-empty
    /// and distinct, none contains another, and no marker's end overlaps a marker's start (so after a complete marker the
    /// scan can start afresh).
    /// </summary>
    public static void Validate(IReadOnlyList<int[]> markers)
    {
        ArgumentNullException.ThrowIfNull(markers);
        for (int i = 0; i < markers.Count; i++)
        {
            if (markers[i] is null || markers[i].Length == 0)
            {
                throw new ArgumentException($"Marker {i} has no token ids.", nameof(markers));
            }
        }

        for (int i = 0; i < markers.Count; i++)
        {
            for (int j = 0; j < markers.Count; j++)
            {
                ReadOnlySpan<int> a = markers[i];
                ReadOnlySpan<int> b = markers[j];
                if (i != j && a.IndexOf(b) >= 0)
                {
                    throw new ArgumentException($"Marker {j} [{string.Join(", ", markers[j])}] occurs inside marker {i} [{string.Join(", ", markers[i])}].", nameof(markers));
                }

                // A proper suffix of a equal to a proper prefix of b: b could start inside a complete a.
                for (int length = 1; length < a.Length && length < b.Length; length++)
                {
                    if (a[^length..].SequenceEqual(b[..length]))
                    {
                        throw new ArgumentException($"The end of marker {i} [{string.Join(", ", markers[i])}] overlaps the start of marker {j} [{string.Join(", ", markers[j])}].", nameof(markers));
                    }
                }
            }
        }
    }

    private static int Step(List<Dictionary<int, int>> children, int[] failure, int state, int token)
    {
        while (true)
        {
            if (children[state].TryGetValue(token, out int child))
            {
                return child;
            }

            if (state == 0)
            {
                return 0;
            }

            state = failure[state];
        }
    }

    private bool IsPrefixState(List<Dictionary<int, int>> children, int marker, int length, int state)
    {
        int s = 0;
        for (int k = 0; k < length; k++)
        {
            s = children[s][_markers[marker][k]];
        }

        return s == state;
    }
}

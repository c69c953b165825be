namespace SynthIE.Inference.Tests.Constraints;

/// <summary>
/// A literal, slow re-implementation of SynthIE's <c>prefix_allowed_tokens_fn</c> (rescans the whole prefix on every
/// call, nested-dictionary trie with end tokens as children), used to check the incremental constraint on inputs the
/// shared cases do not cover: other markers, names containing marker ids, an empty name.
/// </summary>
internal sealed class ReferencePrefixAllowedTokens
{
    private const int End = 3;
    private readonly Node _entities;
    private readonly Node _relations;
    private readonly int[][] _markers;
    private readonly int[][] _next;
    private readonly int _eos;

    /// <param name="entities">Entity sequences including their end token (SynthIE's <c>tokenizer(name)["input_ids"]</c>).</param>
    /// <param name="relations">Relation sequences including their end token.</param>
    /// <param name="markers">Subject, relation, object, end marker ids.</param>
    /// <param name="collapsed">Subject collapsed transitions.</param>
    /// <param name="eos">The end token.</param>
    public ReferencePrefixAllowedTokens(IEnumerable<int[]> entities, IEnumerable<int[]> relations, int[][] markers, bool collapsed, int eos)
    {
        _entities = Node.Build(entities);
        _relations = Node.Build(relations);
        _markers = markers;
        _eos = eos;
        _next = [[1], [2], collapsed ? [1, 3] : [3], [0]];
    }

    public IReadOnlyList<int> Allowed(IReadOnlyList<int> sentence)
    {
        if (sentence.Count > 1 && sentence[^1] == _eos)
        {
            return [];
        }

        (int state, int suffixStart) = LastMarker(sentence);
        int[] suffix = [.. sentence.Skip(suffixStart)];
        var fromMarkers = new HashSet<int>();
        foreach (int next in _next[state])
        {
            int[] marker = _markers[next];
            for (int length = marker.Length - 1; length >= 1; length--)
            {
                if (suffix.Length >= length && suffix.AsSpan(suffix.Length - length).SequenceEqual(marker.AsSpan(0, length)))
                {
                    fromMarkers.Add(marker[length]);
                    break;
                }
            }
        }

        if (fromMarkers.Count > 0)
        {
            return [.. fromMarkers];
        }

        if (state == End)
        {
            return [_eos, .. _next[state].Select(n => _markers[n][0]).Distinct()];
        }

        List<int> fromTrie = (state == 1 ? _relations : _entities).Get(suffix);
        if (fromTrie.Remove(_eos))
        {
            fromTrie.AddRange(_next[state].Select(n => _markers[n][0]).Distinct());
        }

        return fromTrie;
    }

    private (int State, int SuffixStart) LastMarker(IReadOnlyList<int> sentence)
    {
        for (int end = sentence.Count; end > 0; end--)
        {
            for (int state = 0; state < 4; state++)
            {
                int[] marker = _markers[state];
                if (end >= marker.Length && Enumerable.Range(0, marker.Length).All(i => sentence[end - marker.Length + i] == marker[i]))
                {
                    return (state, end);
                }
            }
        }

        return (End, 0);
    }

    private sealed class Node
    {
        private readonly Dictionary<int, Node> _children = [];
        private readonly List<int> _order = [];

        public static Node Build(IEnumerable<int[]> sequences)
        {
            var root = new Node();
            foreach (int[] sequence in sequences)
            {
                Node node = root;
                foreach (int token in sequence)
                {
                    if (!node._children.TryGetValue(token, out Node? child))
                    {
                        child = new Node();
                        node._children[token] = child;
                        node._order.Add(token);
                    }

                    node = child;
                }
            }

            return root;
        }

        public List<int> Get(ReadOnlySpan<int> indices)
        {
            Node node = this;
            foreach (int token in indices)
            {
                if (!node._children.TryGetValue(token, out Node? child))
                {
                    return [];
                }

                node = child;
            }

            return [.. node._order];
        }
    }
}

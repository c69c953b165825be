using System.Runtime.InteropServices;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// A double-array trie over the UTF-8 bytes of the vocabulary's pieces: the child of node <c>s</c> for byte <c>c</c>
/// is node <c>t = Base(s) + c</c> when <c>Check(t) == s</c>. Lookups read two adjacent ints per byte and allocate
/// nothing. Immutable after construction.
/// </summary>
internal sealed class PieceTrie
{
    private readonly Node[] _nodes;

    private PieceTrie(Node[] nodes)
    {
        _nodes = nodes;
    }

    /// <summary>Gets the node array (for the segmenter's inner loop).</summary>
    public ReadOnlySpan<Node> Nodes => _nodes;

    /// <summary>Builds the trie from (UTF-8 key, piece id) pairs; keys must be distinct and non-empty.</summary>
    public static PieceTrie Build(IReadOnlyList<(byte[] Key, int Id)> entries)
    {
        (byte[] Key, int Id)[] sorted = [.. entries];
        Array.Sort(sorted, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Key.AsSpan().SequenceEqual(sorted[i - 1].Key))
            {
                throw new ArgumentException($"Pieces {sorted[i - 1].Id} and {sorted[i].Id} are the same.", nameof(entries));
            }
        }

        Builder builder = new(sorted);
        return new PieceTrie(builder.Build());
    }

    /// <summary>Looks up a whole key; returns the piece id or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int state = 0;
        foreach (byte c in key)
        {
            int next = _nodes[state].Base + c;
            if ((uint)next >= (uint)_nodes.Length || _nodes[next].Check != state)
            {
                return -1;
            }

            state = next;
        }

        return _nodes[state].Value;
    }

    /// <summary>One double-array slot: the child base, the parent that owns the slot (-1: free), the piece id (-1: none).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Node
    {
        public int Base;
        public int Check;
        public int Value;
    }

    private sealed class Builder
    {
        private readonly (byte[] Key, int Id)[] _keys;
        private Node[] _nodes = [];

        // Free slots form a list in increasing order (_nextFree/_previousFree, -1 ends it), so the search for a base
        // visits only free slots.
        private int[] _nextFree = [];
        private int[] _previousFree = [];
        private int _firstFree = -1;
        private int _lastFree = -1;
        private int _size = 1;

        public Builder((byte[] Key, int Id)[] keys)
        {
            _keys = keys;
            EnsureSize(1024);
            Occupy(0);
            _nodes[0].Check = -2;
        }

        public Node[] Build()
        {
            Stack<(int Node, int Lo, int Hi, int Depth)> work = new();
            work.Push((0, 0, _keys.Length, 0));
            Span<byte> labels = stackalloc byte[256];
            Span<int> bounds = stackalloc int[257];
            while (work.Count > 0)
            {
                (int node, int lo, int hi, int depth) = work.Pop();
                int first = lo;
                if (first < hi && _keys[first].Key.Length == depth)
                {
                    _nodes[node].Value = _keys[first].Id;
                    first++;
                }

                int count = 0;
                for (int i = first; i < hi; i++)
                {
                    byte label = _keys[i].Key[depth];
                    if (count == 0 || labels[count - 1] != label)
                    {
                        labels[count] = label;
                        bounds[count] = i;
                        count++;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                bounds[count] = hi;
                int childBase = FindBase(labels[..count]);
                _nodes[node].Base = childBase;
                for (int k = 0; k < count; k++)
                {
                    int child = childBase + labels[k];
                    Occupy(child);
                    _nodes[child].Check = node;
                    _size = Math.Max(_size, child + 1);
                }

                for (int k = count - 1; k >= 0; k--)
                {
                    work.Push((childBase + labels[k], bounds[k], bounds[k + 1], depth + 1));
                }
            }

            return _nodes.AsSpan(0, _size).ToArray();
        }

        private int FindBase(ReadOnlySpan<byte> labels)
        {
            int position = _firstFree;
            while (true)
            {
                if (position < 0)
                {
                    // No free slot fits: grow and continue from the first new slot.
                    int old = _nodes.Length;
                    EnsureSize(old * 2);
                    position = old;
                }

                int candidate = position - labels[0];
                if (candidate >= 1)
                {
                    EnsureSize(candidate + 256);
                    bool fits = true;
                    for (int k = 1; k < labels.Length; k++)
                    {
                        if (_nodes[candidate + labels[k]].Check != -1)
                        {
                            fits = false;
                            break;
                        }
                    }

                    if (fits)
                    {
                        return candidate;
                    }
                }

                position = _nextFree[position];
            }
        }

        private void Occupy(int slot)
        {
            int previous = _previousFree[slot];
            int next = _nextFree[slot];
            if (previous >= 0)
            {
                _nextFree[previous] = next;
            }
            else
            {
                _firstFree = next;
            }

            if (next >= 0)
            {
                _previousFree[next] = previous;
            }
            else
            {
                _lastFree = previous;
            }

            _nodes[slot].Check = -2;
        }

        private void EnsureSize(int size)
        {
            if (size <= _nodes.Length)
            {
                return;
            }

            int old = _nodes.Length;
            int length = Math.Max(size, old * 2);
            Array.Resize(ref _nodes, length);
            Array.Resize(ref _nextFree, length);
            Array.Resize(ref _previousFree, length);
            for (int i = old; i < length; i++)
            {
                _nodes[i] = new Node { Base = 0, Check = -1, Value = -1 };
                _previousFree[i] = i == old ? _lastFree : i - 1;
                _nextFree[i] = i + 1 < length ? i + 1 : -1;
            }

            if (_lastFree >= 0)
            {
                _nextFree[_lastFree] = old;
            }
            else
            {
                _firstFree = old;
            }

            _lastFree = length - 1;
        }
    }
}

using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// An immutable trie of token-id sequences in flat arrays (about 8 bytes and 1 bit per node, no object per node),
/// either pinned in memory or memory-mapped from a <see cref="TokenTrieFile"/>.
/// <para>
/// Layout: nodes are numbered breadth first from the root (0), so the children of node <c>n</c> are the nodes
/// <c>firstChild[n] .. firstChild[n+1]-1</c>, sorted by the token that leads to them, and <c>labels[c]</c> is that token.
/// A node where a sequence ends has its terminal bit set (instead of an end-token child as in SynthIE's Python trie).
/// Terminal nodes that also have children additionally get <see cref="ContinuationIds"/> as children (when not already
/// there), without children of their own, so that <see cref="Children"/> of such a node is, as one contiguous span,
/// "what may follow a finished name or continue a longer one" — the set SynthIE's constraint returns there.
/// Leaves are always terminal and have no children; <see cref="Children"/> is empty for them.
/// </para>
/// Reads are thread-safe. Dispose releases the memory map; spans obtained earlier must not be used afterwards.
/// </summary>
internal sealed unsafe class TokenTrie : IDisposable
{
    /// <summary>The root node.</summary>
    public const int Root = 0;

    private readonly int* _firstChild;
    private readonly int* _labels;
    private readonly ulong* _terminal;
    private readonly int[] _continuationIds;
    private readonly object? _arrays;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private bool _disposed;

    /// <summary>Wraps pinned arrays (from <see cref="FromData"/>).</summary>
    private TokenTrie(int nodeCount, int[] firstChild, int[] labels, ulong[] terminal, int[] continuationIds, int sequenceCount, int terminalCount)
    {
        NodeCount = nodeCount;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
        _continuationIds = continuationIds;
        _arrays = (firstChild, labels, terminal);
        _firstChild = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(firstChild));
        _labels = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(labels));
        _terminal = (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(terminal));
    }

    /// <summary>Wraps a memory-mapped file view (from <see cref="TokenTrieFile"/>); takes ownership of both.</summary>
    internal TokenTrie(
        MemoryMappedFile file,
        MemoryMappedViewAccessor view,
        byte* basePointer,
        long firstChildOffset,
        long labelsOffset,
        long terminalOffset,
        int nodeCount,
        int[] continuationIds,
        int sequenceCount,
        int terminalCount,
        int skippedCount)
    {
        _file = file;
        SkippedCount = skippedCount;
        _view = view;
        NodeCount = nodeCount;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
        _continuationIds = continuationIds;
        _firstChild = (int*)(basePointer + firstChildOffset);
        _labels = (int*)(basePointer + labelsOffset);
        _terminal = (ulong*)(basePointer + terminalOffset);
    }

    /// <summary>Gets the number of nodes, root included.</summary>
    public int NodeCount { get; }

    /// <summary>Gets the number of sequences the trie was built from.</summary>
    public int SequenceCount { get; }

    /// <summary>Gets the number of terminal nodes (distinct sequences).</summary>
    public int TerminalCount { get; }

    /// <summary>Gets the number of names left out of the build because they gave no ids.</summary>
    public int SkippedCount { get; private init; }

    /// <summary>Gets whether the trie is memory-mapped from a file.</summary>
    public bool IsMemoryMapped => _view is not null;

    /// <summary>Gets the ids added as children of terminal nodes that have children (sorted, distinct).</summary>
    public ReadOnlySpan<int> ContinuationIds => _continuationIds;

    /// <summary>Copies builder output into pinned arrays of the exact size.</summary>
    public static TokenTrie FromData(TokenTrieData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] firstChild = GC.AllocateUninitializedArray<int>(data.NodeCount + 1, pinned: true);
        int[] labels = GC.AllocateUninitializedArray<int>(Math.Max(data.NodeCount, 1), pinned: true);
        ulong[] terminal = GC.AllocateUninitializedArray<ulong>(Math.Max(data.TerminalWordCount, 1), pinned: true);
        data.FirstChild.AsSpan(0, data.NodeCount + 1).CopyTo(firstChild);
        data.Labels.AsSpan(0, data.NodeCount).CopyTo(labels);
        data.Terminal.AsSpan(0, data.TerminalWordCount).CopyTo(terminal);
        return new TokenTrie(data.NodeCount, firstChild, labels, terminal, data.ContinuationIds, data.SequenceCount, data.TerminalCount)
        {
            SkippedCount = data.SkippedCount,
        };
    }

    /// <summary>Returns the tokens that lead from <paramref name="node"/> to its children, ascending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> Children(int node)
    {
        int first = _firstChild[node];
        return new ReadOnlySpan<int>(_labels + first, _firstChild[node + 1] - first);
    }

    /// <summary>Returns whether a sequence ends at <paramref name="node"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsTerminal(int node) => (_terminal[node >> 6] & (1UL << (node & 63))) != 0;

    /// <summary>Returns the child of <paramref name="node"/> reached with <paramref name="token"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Child(int node, int token)
    {
        int low = _firstChild[node];
        int high = _firstChild[node + 1] - 1;
        while (low <= high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            int label = _labels[middle];
            if (label == token)
            {
                return middle;
            }

            if (label < token)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>Returns whether <paramref name="sequence"/> is one of the sequences (ends at a terminal node).</summary>
    public bool Contains(ReadOnlySpan<int> sequence)
    {
        int node = Walk(sequence);
        return node >= 0 && IsTerminal(node);
    }

    /// <summary>Returns the node reached by <paramref name="sequence"/> from the root, or -1.</summary>
    public int Walk(ReadOnlySpan<int> sequence)
    {
        int node = Root;
        foreach (int token in sequence)
        {
            node = Child(node, token);
            if (node < 0)
            {
                return -1;
            }
        }

        return node;
    }

    /// <summary>Releases the memory map (nothing for an in-memory trie).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _file?.Dispose();
        GC.KeepAlive(_arrays);
    }
}

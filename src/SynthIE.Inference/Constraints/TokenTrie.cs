using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// An immutable trie of token-id sequences in one flat int array (no object per node), either pinned in memory or
/// memory-mapped from a <see cref="TokenTrieFile"/>.
/// <para>
/// Layout, in preorder so that the nodes of one name follow each other in memory:
/// <list type="bullet">
/// <item>A branch node (the root, a node with several children, or a terminal node with children) is a record
/// <c>[header, label_1 … label_c, child_1 … child_c]</c> and is identified by the offset of its header. The header holds
/// the child count c in its low 31 bits and the terminal mark (a sequence ends here) in its sign bit; the labels are the
/// tokens leading to the children, ascending; child_i is the id of the child reached with label_i.</item>
/// <item>A run of nodes that each have exactly one child and end no sequence (most of a large trie: the tail of each
/// name once it differs from all others) is a chain <c>[t_1 … t_k, ~next]</c>: the tokens, then the bitwise complement
/// (a negative int) of the id of the node the last token leads to. The node before t_i is identified by
/// <see cref="ChainTag"/> + the offset of t_i, so its only child label is the one-int span at that offset.</item>
/// <item>All leaves share the record at <see cref="SharedLeaf"/> (terminal, no children); there are no end-token nodes.</item>
/// </list>
/// </para>
/// <para>
/// Terminal nodes that also have children additionally get <see cref="ContinuationIds"/> as children (when not already
/// there), pointing to the shared record at <see cref="SharedEmpty"/> (not terminal, no children). So
/// <see cref="Children"/> of such a node is, as one contiguous span, "what may continue a longer name or follow a finished
/// one" — the set SynthIE's constraint returns there. For a leaf, <see cref="Children"/> is empty and
/// <see cref="IsTerminal"/> is true.
/// </para>
/// Reads are thread-safe. Dispose releases the memory map; spans obtained earlier must not be used afterwards.
/// </summary>
internal sealed unsafe class TokenTrie : IDisposable
{
    /// <summary>The shared record of children added after finished names: no children, not terminal.</summary>
    public const int SharedEmpty = 0;

    /// <summary>The shared record of every leaf: no children, terminal.</summary>
    public const int SharedLeaf = 1;

    /// <summary>The root node.</summary>
    public const int Root = 2;

    /// <summary>The header bit marking a terminal node.</summary>
    internal const int TerminalFlag = int.MinValue;

    /// <summary>Added to the offset of a chain token to make the id of the node before it.</summary>
    internal const int ChainTag = 1 << 30;

    /// <summary>The largest record array (ids of chain nodes must stay below 2^31).</summary>
    internal const int MaxRecordLength = ChainTag;

    private readonly int* _records;
    private readonly int[] _continuationIds;
    private readonly int[]? _array;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private bool _disposed;

    /// <summary>Wraps a pinned array (from <see cref="FromData"/>).</summary>
    private TokenTrie(int[] records, int recordLength, int nodeCount, int[] continuationIds, int sequenceCount, int terminalCount, int skippedCount)
    {
        _array = records;
        _records = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(records));
        RecordLength = recordLength;
        NodeCount = nodeCount;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
        SkippedCount = skippedCount;
        _continuationIds = continuationIds;
    }

    /// <summary>Wraps a memory-mapped file view (from <see cref="TokenTrieFile"/>); takes ownership of both.</summary>
    internal TokenTrie(
        MemoryMappedFile file,
        MemoryMappedViewAccessor view,
        int* records,
        int recordLength,
        int nodeCount,
        int[] continuationIds,
        int sequenceCount,
        int terminalCount,
        int skippedCount)
    {
        _file = file;
        _view = view;
        _records = records;
        RecordLength = recordLength;
        NodeCount = nodeCount;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
        SkippedCount = skippedCount;
        _continuationIds = continuationIds;
    }

    /// <summary>Gets the number of nodes: the root, every distinct name prefix, and the continuation children.</summary>
    public int NodeCount { get; }

    /// <summary>Gets the length of the record array in ints.</summary>
    public int RecordLength { get; }

    /// <summary>Gets the number of sequences the trie was built from.</summary>
    public int SequenceCount { get; }

    /// <summary>Gets the number of terminal nodes (distinct sequences).</summary>
    public int TerminalCount { get; }

    /// <summary>Gets the number of names left out of the build because they gave no ids or an unknown id.</summary>
    public int SkippedCount { get; }

    /// <summary>Gets the number of names among <see cref="SkippedCount"/> left out because their ids hold the unknown id.</summary>
    public int SkippedUnknownCount { get; init; }

    /// <summary>Gets the number of names among <see cref="SkippedCount"/> left out because their ids decode to other text.</summary>
    public int SkippedChangedCount { get; init; }

    /// <summary>Gets whether the trie is memory-mapped from a file.</summary>
    public bool IsMemoryMapped => _view is not null;

    /// <summary>Gets the ids added as children of terminal nodes that have children (sorted, distinct).</summary>
    public ReadOnlySpan<int> ContinuationIds => _continuationIds;

    /// <summary>Copies builder output into a pinned array of the exact size.</summary>
    public static TokenTrie FromData(TokenTrieData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] records = GC.AllocateUninitializedArray<int>(data.RecordLength, pinned: true);
        data.Records.AsSpan(0, data.RecordLength).CopyTo(records);
        return new TokenTrie(records, data.RecordLength, data.NodeCount, data.ContinuationIds, data.SequenceCount, data.TerminalCount, data.SkippedCount)
        {
            SkippedUnknownCount = data.SkippedUnknownCount,
            SkippedChangedCount = data.SkippedChangedCount,
        };
    }

    /// <summary>Returns the tokens that lead from <paramref name="node"/> to its children, ascending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> Children(int node) => node >= ChainTag
        ? new ReadOnlySpan<int>(_records + (node - ChainTag), 1)
        : new ReadOnlySpan<int>(_records + node + 1, _records[node] & int.MaxValue);

    /// <summary>Returns whether a sequence ends at <paramref name="node"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsTerminal(int node) => node < ChainTag && _records[node] < 0;

    /// <summary>Returns the child of <paramref name="node"/> reached with <paramref name="token"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Child(int node, int token)
    {
        if (node >= ChainTag)
        {
            int* position = _records + (node - ChainTag);
            if (*position != token)
            {
                return -1;
            }

            // The next int is the next chain token, or the complement of the id the chain leads to.
            int next = position[1];
            return next >= 0 ? node + 1 : ~next;
        }

        int* labels = _records + node + 1;
        int count = _records[node] & int.MaxValue;
        int low = 0;
        int high = count - 1;
        while (low <= high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            int label = labels[middle];
            if (label == token)
            {
                return labels[count + middle];
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
        GC.KeepAlive(_array);
    }
}

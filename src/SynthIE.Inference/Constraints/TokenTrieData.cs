namespace SynthIE.Inference.Constraints;

/// <summary>
/// A token trie as the builder makes it, before it is written to a file or pinned in memory: one int array of node
/// records in the layout <see cref="TokenTrie"/> describes. <see cref="Records"/> may be longer than
/// <see cref="RecordLength"/>.
/// </summary>
internal sealed class TokenTrieData
{
    public TokenTrieData(int[] records, int recordLength, int nodeCount, int[] continuationIds, int sequenceCount, int terminalCount)
    {
        Records = records;
        RecordLength = recordLength;
        NodeCount = nodeCount;
        ContinuationIds = continuationIds;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
    }

    /// <summary>The node records.</summary>
    public int[] Records { get; }

    /// <summary>The number of ints of <see cref="Records"/> in use.</summary>
    public int RecordLength { get; }

    /// <summary>The number of trie nodes (root, every name prefix, and continuation children).</summary>
    public int NodeCount { get; }

    /// <summary>The ids added as extra children of terminal nodes that have children (see <see cref="TokenTrie"/>).</summary>
    public int[] ContinuationIds { get; }

    /// <summary>The number of sequences the trie was built from.</summary>
    public int SequenceCount { get; }

    /// <summary>The number of terminal nodes (distinct sequences).</summary>
    public int TerminalCount { get; }

    /// <summary>The number of names left out because they gave no ids or an unknown id.</summary>
    public int SkippedCount { get; init; }

    /// <summary>The number of names among <see cref="SkippedCount"/> left out because their ids hold the unknown id (<c>&lt;unk&gt;</c>).</summary>
    public int SkippedUnknownCount { get; init; }

    /// <summary>The number of names among <see cref="SkippedCount"/> left out because their ids decode to other text.</summary>
    public int SkippedChangedCount { get; init; }
}

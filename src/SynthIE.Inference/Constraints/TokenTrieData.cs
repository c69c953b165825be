namespace SynthIE.Inference.Constraints;

/// <summary>
/// The arrays of a token trie as the builder makes them, before they are written to a file or pinned in memory.
/// Nodes are numbered breadth first, so the children of node <c>n</c> are the nodes
/// <c>FirstChild[n] .. FirstChild[n + 1] - 1</c> and <c>Labels[c]</c> is the token that leads to child <c>c</c>;
/// children are sorted by token. Arrays may be longer than <see cref="NodeCount"/> (+1 for <see cref="FirstChild"/>).
/// </summary>
internal sealed class TokenTrieData
{
    public TokenTrieData(int nodeCount, int[] firstChild, int[] labels, ulong[] terminal, int[] continuationIds, int sequenceCount, int terminalCount)
    {
        NodeCount = nodeCount;
        FirstChild = firstChild;
        Labels = labels;
        Terminal = terminal;
        ContinuationIds = continuationIds;
        SequenceCount = sequenceCount;
        TerminalCount = terminalCount;
    }

    public int NodeCount { get; }

    public int[] FirstChild { get; }

    public int[] Labels { get; }

    public ulong[] Terminal { get; }

    /// <summary>The ids added as extra children of terminal nodes that have children (see <see cref="TokenTrie"/>).</summary>
    public int[] ContinuationIds { get; }

    /// <summary>The number of sequences the trie was built from.</summary>
    public int SequenceCount { get; }

    /// <summary>The number of terminal nodes (distinct sequences).</summary>
    public int TerminalCount { get; }

    /// <summary>The number of names left out because they gave no ids.</summary>
    public int SkippedCount { get; init; }

    public int TerminalWordCount => (NodeCount + 63) / 64;
}

using System.Buffers;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// Builds <see cref="TokenTrieData"/>: tokenizes names (end token cut off: it becomes the terminal mark), sorts the
/// sequences, and lays the trie out as preorder records in one flat array (see <see cref="TokenTrie"/>).
/// </summary>
internal static class TokenTrieBuilder
{
    /// <summary>
    /// Tokenizes <paramref name="names"/> with <paramref name="encoder"/> and builds the trie. A name's ids stop at its
    /// first end token (Hugging Face's tokenizer appends one; an end token inside a name, from literal <c>&lt;/s&gt;</c>
    /// text, ends it there too, which is how SynthIE's trie behaves since its constraint never allows the end token
    /// inside a name). Names giving no ids are left out and counted when <paramref name="skipEmpty"/> is set; otherwise
    /// they make the root terminal, as in SynthIE. With <paramref name="skipEmpty"/>, names the model could not write
    /// back are left out too and counted apart: names whose ids hold the encoder's unknown id (<c>&lt;unk&gt;</c>:
    /// characters the vocabulary lacks, such as CJK or emoji for T5, which decode to nothing), and names whose ids decode
    /// to other text (what SynthIE's <c>genie_t5_tokenizeable</c> world leaves out: encode, then decode, must give the
    /// name back), since an output naming them could not be matched to the world.
    /// </summary>
    public static TokenTrieData Build(
        IEnumerable<string> names,
        ITokenSequenceEncoder encoder,
        ReadOnlySpan<int> continuationIds,
        bool skipEmpty,
        out TrieBuildCounts counts,
        List<string>? skippedNames = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(encoder);
        var sequences = new TokenSequenceList(names is ICollection<string> collection ? collection.Count : 1024);
        int[] buffer = ArrayPool<int>.Shared.Rent(1024);
        int nameCount = 0;
        int skipped = 0;
        int skippedUnknown = 0;
        int skippedChanged = 0;
        int unknownId = encoder.UnknownId;
        try
        {
            foreach (string name in names)
            {
                ArgumentNullException.ThrowIfNull(name, nameof(names));
                nameCount++;
                int count;
                bool truncated;
                while (true)
                {
                    count = encoder.Encode(name, buffer, out truncated);
                    if (!truncated)
                    {
                        break;
                    }

                    int size = buffer.Length * 2;
                    ArrayPool<int>.Shared.Return(buffer);
                    buffer = ArrayPool<int>.Shared.Rent(size);
                }

                ReadOnlySpan<int> ids = buffer.AsSpan(0, count);
                int end = ids.IndexOf(encoder.EndOfSequenceId);
                if (end >= 0)
                {
                    ids = ids[..end];
                }

                if (skipEmpty && (ids.IsEmpty || (unknownId >= 0 && ids.Contains(unknownId))))
                {
                    skipped++;
                    skippedUnknown += ids.IsEmpty ? 0 : 1;
                    skippedNames?.Add(name);
                    continue;
                }

                if (skipEmpty && encoder.Decode(ids) is string decoded && !string.Equals(decoded, name, StringComparison.Ordinal))
                {
                    skipped++;
                    skippedChanged++;
                    skippedNames?.Add(name);
                    continue;
                }

                sequences.Add(ids);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }

        TokenTrieData built = Build(sequences, continuationIds);
        counts = new TrieBuildCounts(nameCount, skipped, sequences.TokenCount);
        return new TokenTrieData(built.Records, built.RecordLength, built.NodeCount, built.ContinuationIds, built.SequenceCount, built.TerminalCount)
        {
            SkippedCount = skipped,
            SkippedUnknownCount = skippedUnknown,
            SkippedChangedCount = skippedChanged,
        };
    }

    /// <summary>Builds the trie of <paramref name="sequences"/> (ids without end tokens).</summary>
    public static TokenTrieData Build(TokenSequenceList sequences, ReadOnlySpan<int> continuationIds)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int[] continuation = [.. continuationIds.ToArray().Distinct().Order()];
        foreach (int id in continuation)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(continuationIds));
        }

        int count = sequences.Count;
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, Comparer<int>.Create(sequences.Compare));
        long capacity = RecordCapacity(sequences, order, continuation.Length);
        if (capacity >= Array.MaxLength)
        {
            throw new InvalidOperationException("Too many tokens for one trie (its records would exceed 2^31 ints).");
        }

        int[] records = new int[capacity];
        records[TokenTrie.SharedEmpty] = 0;
        records[TokenTrie.SharedLeaf] = TokenTrie.TerminalFlag;
        int position = TokenTrie.Root;
        int nodeCount = 1;
        int terminalCount = 0;

        // Preorder with an explicit stack: pop a node (where its id goes, and its range of sorted sequences), write it
        // as a chain (runs of single-child, non-terminal nodes) or a branch record, and push the children that need
        // records of their own in reverse, so that the first child is written right after its parent.
        var pending = new Stack<(int Slot, bool Complement, int Low, int High, int Depth)>();
        var children = new List<(int Token, int Low, int High)>();
        pending.Push((-1, false, 0, count, 0));
        while (pending.Count > 0)
        {
            (int slot, bool complement, int low, int high, int depth) = pending.Pop();
            bool terminal = Analyze(sequences, order, low, high, depth, children);
            if (slot >= 0 && !terminal && children.Count == 1)
            {
                records[slot] = Encode(TokenTrie.ChainTag + position, complement);
                while (true)
                {
                    (int token, int childLow, int childHigh) = children[0];
                    records[position++] = token;
                    nodeCount++;
                    depth++;
                    if (sequences.LengthOf(order[childHigh - 1]) == depth)
                    {
                        records[position++] = ~TokenTrie.SharedLeaf;
                        terminalCount++;
                        break;
                    }

                    if (Analyze(sequences, order, childLow, childHigh, depth, children) || children.Count != 1)
                    {
                        pending.Push((position++, true, childLow, childHigh, depth));
                        break;
                    }
                }

                continue;
            }

            if (terminal && children.Count > 0)
            {
                foreach (int id in continuation)
                {
                    if (!children.Exists(child => child.Token == id))
                    {
                        children.Add((id, 0, 0));
                    }
                }

                children.Sort((a, b) => a.Token.CompareTo(b.Token));
            }

            if (terminal)
            {
                terminalCount++;
            }

            int record = position;
            int childCount = children.Count;
            records[record] = childCount | (terminal ? TokenTrie.TerminalFlag : 0);
            position += 1 + (2 * childCount);
            if (slot >= 0)
            {
                records[slot] = Encode(record, complement);
            }

            nodeCount += childCount;
            for (int k = childCount - 1; k >= 0; k--)
            {
                (int token, int childLow, int childHigh) = children[k];
                records[record + 1 + k] = token;
                int childSlot = record + 1 + childCount + k;
                if (childHigh == childLow)
                {
                    records[childSlot] = TokenTrie.SharedEmpty;
                }
                else if (sequences.LengthOf(order[childHigh - 1]) == depth + 1)
                {
                    records[childSlot] = TokenTrie.SharedLeaf;
                    terminalCount++;
                }
                else
                {
                    pending.Push((childSlot, false, childLow, childHigh, depth + 1));
                }
            }
        }

        if (position > TokenTrie.MaxRecordLength)
        {
            throw new InvalidOperationException($"Too many tokens for one trie: {position:N0} ints of records, at most {TokenTrie.MaxRecordLength:N0}.");
        }

        return new TokenTrieData(records, position, nodeCount, continuation, count, terminalCount);
    }

    private static int Encode(int id, bool complement) => complement ? ~id : id;

    /// <summary>
    /// Finds whether a sequence ends at the node of sorted range [<paramref name="low"/>, <paramref name="high"/>)
    /// at <paramref name="depth"/>, and its children: (token, range) per distinct next token.
    /// </summary>
    private static bool Analyze(TokenSequenceList sequences, int[] order, int low, int high, int depth, List<(int Token, int Low, int High)> children)
    {
        int start = low;
        while (start < high && sequences.LengthOf(order[start]) == depth)
        {
            start++;
        }

        children.Clear();
        for (int group = start; group < high;)
        {
            int token = sequences.TokenAt(order[group], depth);
            int groupEnd = group + 1;
            while (groupEnd < high && sequences.TokenAt(order[groupEnd], depth) == token)
            {
                groupEnd++;
            }

            children.Add((token, group, groupEnd));
            group = groupEnd;
        }

        return start > low;
    }

    /// <summary>
    /// An upper bound of the record array's length: 2 shared records, then per node with children a header and two
    /// ints per child; nodes are counted from the sorted sequences' common prefixes.
    /// </summary>
    private static long RecordCapacity(TokenSequenceList sequences, int[] order, int continuationCount)
    {
        long nodes = 1;
        long leaves = 0;
        long terminalWithChildren = 0;
        int previous = -1;
        for (int i = 0; i < order.Length; i++)
        {
            ReadOnlySpan<int> current = sequences[order[i]];
            if (previous >= 0 && current.SequenceEqual(sequences[previous]))
            {
                continue;
            }

            int shared = previous < 0 ? 0 : current.CommonPrefixLength(sequences[previous]);
            nodes += current.Length - shared;

            // The previous distinct sequence is a leaf unless this one extends it.
            if (previous >= 0 && sequences.LengthOf(previous) > 0)
            {
                if (shared == sequences.LengthOf(previous))
                {
                    terminalWithChildren++;
                }
                else
                {
                    leaves++;
                }
            }
            else if (previous >= 0)
            {
                terminalWithChildren++;
            }

            previous = order[i];
        }

        if (previous >= 0 && sequences.LengthOf(previous) > 0)
        {
            leaves++;
        }

        long edges = nodes - 1 + (terminalWithChildren * continuationCount);
        return 2 + (nodes - leaves) + (2 * edges) + 1;
    }
}

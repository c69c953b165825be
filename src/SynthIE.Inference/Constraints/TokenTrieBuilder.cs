using System.Buffers;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// Builds <see cref="TokenTrieData"/>: tokenizes names (end token cut off: it becomes the terminal bit), sorts the
/// sequences, and lays the trie out breadth first in flat arrays (see <see cref="TokenTrie"/>).
/// </summary>
internal static class TokenTrieBuilder
{
    /// <summary>
    /// Tokenizes <paramref name="names"/> with <paramref name="encoder"/> and builds the trie. A name's ids stop at its
    /// first end token (Hugging Face's tokenizer appends one; an end token inside a name, from literal <c>&lt;/s&gt;</c>
    /// text, ends it there too, which is how SynthIE's trie behaves since its constraint never allows the end token
    /// inside a name). Names giving no ids are left out and counted when <paramref name="skipEmpty"/> is set; otherwise
    /// they make the root terminal, as in SynthIE.
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

                if (ids.IsEmpty && skipEmpty)
                {
                    skipped++;
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
        return new TokenTrieData(built.NodeCount, built.FirstChild, built.Labels, built.Terminal, built.ContinuationIds, built.SequenceCount, built.TerminalCount)
        {
            SkippedCount = skipped,
        };
    }

    /// <summary>Builds the trie of <paramref name="sequences"/> (ids without end tokens).</summary>
    public static TokenTrieData Build(TokenSequenceList sequences, ReadOnlySpan<int> continuationIds)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int[] continuation = continuationIds.ToArray();
        Array.Sort(continuation);
        continuation = continuation.Distinct().ToArray();
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

        // Upper bound on nodes: root + one per token + continuation children of terminal nodes.
        long bound = 1 + sequences.TokenCount + ((long)count * continuation.Length);
        if (bound >= int.MaxValue - 1)
        {
            throw new InvalidOperationException("Too many tokens for one trie (over 2^31 nodes).");
        }

        int[] firstChild = new int[bound + 1];
        int[] labels = new int[bound];
        ulong[] terminal = new ulong[(bound + 63) / 64];
        labels[0] = -1;

        // Breadth first, one level at a time: each node of the current level is a range of sorted sequences that
        // share its path; ranges that are empty are continuation children.
        var level = new List<(int Low, int High)> { (0, count) };
        var next = new List<(int Low, int High)>();
        int node = 0;
        int nextId = 1;
        int terminalCount = 0;
        int depth = 0;
        while (level.Count > 0)
        {
            next.Clear();
            foreach ((int low, int high) in level)
            {
                firstChild[node] = nextId;
                int position = low;
                while (position < high && sequences.LengthOf(order[position]) == depth)
                {
                    position++;
                }

                bool isTerminal = position > low;
                if (isTerminal)
                {
                    terminal[node >> 6] |= 1UL << (node & 63);
                    terminalCount++;
                }

                bool addContinuation = isTerminal && position < high && continuation.Length > 0;
                int continuationIndex = 0;
                while (position < high)
                {
                    int token = sequences.TokenAt(order[position], depth);
                    int groupEnd = position + 1;
                    while (groupEnd < high && sequences.TokenAt(order[groupEnd], depth) == token)
                    {
                        groupEnd++;
                    }

                    if (addContinuation)
                    {
                        while (continuationIndex < continuation.Length && continuation[continuationIndex] < token)
                        {
                            labels[nextId++] = continuation[continuationIndex++];
                            next.Add((0, 0));
                        }

                        if (continuationIndex < continuation.Length && continuation[continuationIndex] == token)
                        {
                            continuationIndex++;
                        }
                    }

                    labels[nextId++] = token;
                    next.Add((position, groupEnd));
                    position = groupEnd;
                }

                if (addContinuation)
                {
                    while (continuationIndex < continuation.Length)
                    {
                        labels[nextId++] = continuation[continuationIndex++];
                        next.Add((0, 0));
                    }
                }

                node++;
            }

            (level, next) = (next, level);
            depth++;
        }

        firstChild[node] = nextId;
        return new TokenTrieData(nextId, firstChild, labels, terminal, continuation, count, terminalCount);
    }
}

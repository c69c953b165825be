using SynthIE.Inference.Constraints;
using SynthIE.Inference.Worlds;

using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Constraints;

public sealed class TokenTrieTests
{
    private static readonly int[] Continuation = [784];

    [Fact]
    public void Children_are_sorted_spans_and_terminal_marks_replace_end_tokens()
    {
        using TokenTrie trie = Build([[5, 6], [5, 6, 9], [5, 2], [8], [5, 6, 9]], Continuation);

        Assert.Equal([5, 8], trie.Children(TokenTrie.Root).ToArray());
        int five = trie.Child(TokenTrie.Root, 5);
        Assert.Equal([2, 6], trie.Children(five).ToArray());
        Assert.False(trie.IsTerminal(five));

        // [5, 6] ends a name and continues: the continuation id joins its children, in order, without children of its own.
        int fiveSix = trie.Child(five, 6);
        Assert.True(trie.IsTerminal(fiveSix));
        Assert.Equal([9, 784], trie.Children(fiveSix).ToArray());
        int virtualChild = trie.Child(fiveSix, 784);
        Assert.True(trie.Children(virtualChild).IsEmpty);
        Assert.False(trie.IsTerminal(virtualChild));

        // Leaves are terminal and have no children at all (no end-token or continuation nodes).
        int leaf = trie.Child(fiveSix, 9);
        Assert.True(trie.IsTerminal(leaf));
        Assert.True(trie.Children(leaf).IsEmpty);

        Assert.True(trie.Contains([5, 6]));
        Assert.True(trie.Contains([8]));
        Assert.False(trie.Contains([5]));
        Assert.False(trie.Contains([5, 6, 784]));
        Assert.Equal(-1, trie.Child(TokenTrie.Root, 7));
        Assert.Equal(4, trie.TerminalCount);
        Assert.Equal(5, trie.SequenceCount);

        // root, 5, 8, 5-2, 5-6, 5-6-9, 5-6-784
        Assert.Equal(7, trie.NodeCount);
    }

    [Fact]
    public void Runs_of_single_child_nodes_are_stored_as_chains()
    {
        int[] longName = [.. Enumerable.Range(10, 40)];
        using TokenTrie trie = Build([longName, [10, 11, 12, 99], [10, 11]], Continuation);

        // Root → 10 → 11 (terminal: a branch) → {12, 784}; 12 → {13, 99}; 13 … 49 is one chain ending in a leaf.
        int node = trie.Walk([10, 11]);
        Assert.True(trie.IsTerminal(node));
        Assert.Equal([12, 784], trie.Children(node).ToArray());
        node = trie.Walk([10, 11, 12, 13]);
        Assert.True(node >= TokenTrie.ChainTag);
        for (int token = 14; token < 50; token++)
        {
            Assert.Equal([token], trie.Children(node).ToArray());
            Assert.False(trie.IsTerminal(node));
            Assert.Equal(-1, trie.Child(node, token + 1));
            node = trie.Child(node, token);
        }

        Assert.True(trie.IsTerminal(node));
        Assert.True(trie.Children(node).IsEmpty);
        Assert.True(trie.Contains(longName));
        Assert.False(trie.Contains(longName.AsSpan(0, longName.Length - 1)));
        Assert.True(trie.Contains([10, 11, 12, 99]));
        Assert.Equal(3, trie.TerminalCount);

        // root + 10 + 11 + 784 + 12 + 99 + 13…49: every node counted once, chains included.
        Assert.Equal(6 + 37, trie.NodeCount);
        Assert.True(trie.RecordLength < 3 * trie.NodeCount / 2, $"{trie.RecordLength} ints for {trie.NodeCount} nodes");
    }

    [Fact]
    public void A_continuation_id_that_is_already_a_child_is_not_repeated()
    {
        using TokenTrie trie = Build([[5], [5, 784, 3]], Continuation);
        int five = trie.Child(TokenTrie.Root, 5);
        Assert.Equal([784], trie.Children(five).ToArray());
        Assert.Equal([3], trie.Children(trie.Child(five, 784)).ToArray());
    }

    [Fact]
    public void An_empty_sequence_makes_the_root_terminal()
    {
        using TokenTrie trie = Build([[], [4]], Continuation);
        Assert.True(trie.IsTerminal(TokenTrie.Root));
        Assert.Equal([4, 784], trie.Children(TokenTrie.Root).ToArray());
    }

    [Fact]
    public void Wide_nodes_find_every_child()
    {
        var sequences = Enumerable.Range(3, 5000).Select(i => new[] { i * 3, 1000 + i }).ToList();
        using TokenTrie trie = Build(sequences, Continuation);
        Assert.Equal(5000, trie.Children(TokenTrie.Root).Length);
        foreach (int[] sequence in sequences)
        {
            Assert.True(trie.Contains(sequence));
            Assert.Equal(-1, trie.Child(TokenTrie.Root, sequence[0] + 1));
        }
    }

    [Fact]
    public void The_file_round_trips_and_is_memory_mapped()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "t.trie");
        TokenTrieData data = TokenTrieBuilder.Build(ToList([[5, 6], [5, 6, 9], [5, 2], [8], [7, 7, 7]]), Continuation);
        byte[] key = Key("a");
        TokenTrieFile.Write(path, data, key);

        using TokenTrie? mapped = TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out string reason);
        Assert.True(mapped is not null, reason);
        using TokenTrie inMemory = TokenTrie.FromData(data);
        Assert.True(mapped.IsMemoryMapped);
        Assert.False(inMemory.IsMemoryMapped);
        Assert.Equal(inMemory.NodeCount, mapped.NodeCount);
        Assert.Equal(inMemory.TerminalCount, mapped.TerminalCount);
        Assert.Equal([784], mapped.ContinuationIds.ToArray());
        Assert.Equal(inMemory.RecordLength, mapped.RecordLength);
        var pending = new Stack<int>([TokenTrie.Root]);
        int visited = 0;
        while (pending.Count > 0)
        {
            int node = pending.Pop();
            visited++;
            Assert.Equal(inMemory.Children(node).ToArray(), mapped.Children(node).ToArray());
            Assert.Equal(inMemory.IsTerminal(node), mapped.IsTerminal(node));
            foreach (int token in mapped.Children(node))
            {
                Assert.Equal(inMemory.Child(node, token), mapped.Child(node, token));
                pending.Push(mapped.Child(node, token));
            }
        }

        Assert.Equal(inMemory.NodeCount, visited);
    }

    [Fact]
    public void A_file_with_another_key_version_or_damage_is_not_used()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "t.trie");
        TokenTrieData data = TokenTrieBuilder.Build(ToList([[5, 6], [8], [9, 10, 11]]), Continuation);
        byte[] key = Key("a");
        TokenTrieFile.Write(path, data, key);

        Assert.Null(TokenTrieFile.TryOpen(path, Key("b"), verifyChecksum: true, out string reason));
        Assert.Contains("key mismatch", reason, StringComparison.Ordinal);

        Assert.Null(TokenTrieFile.TryOpen(Path.Combine(directory.Path, "missing.trie"), key, verifyChecksum: true, out reason));
        Assert.Contains("does not exist", reason, StringComparison.Ordinal);

        byte[] bytes = File.ReadAllBytes(path);
        byte[] damaged = (byte[])bytes.Clone();
        damaged[^9] ^= 0x40;
        File.WriteAllBytes(path, damaged);
        Assert.Null(TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out reason));
        Assert.Contains("checksum", reason, StringComparison.Ordinal);

        byte[] otherVersion = (byte[])bytes.Clone();
        otherVersion[8] = 99;
        File.WriteAllBytes(path, otherVersion);
        Assert.Null(TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out reason));
        Assert.Contains("header checksum", reason, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes[..^8]);
        Assert.Null(TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out reason));
        Assert.Contains("truncated", reason, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes[..100]);
        Assert.Null(TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out reason));
        Assert.Contains("shorter", reason, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes);
        using TokenTrie? intact = TokenTrieFile.TryOpen(path, key, verifyChecksum: true, out reason);
        Assert.NotNull(intact);
    }

    [Fact]
    public void OpenOrBuild_builds_once_then_reuses_and_rebuilds_when_the_key_changes()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "sub", "t.trie");
        int builds = 0;
        TokenTrieData Build()
        {
            builds++;
            return TokenTrieBuilder.Build(ToList([[5, 6], [8]]), Continuation);
        }

        using (TokenTrie first = TokenTrieFile.OpenOrBuild(path, Key("a"), verifyChecksum: true, Build, out string reason))
        {
            Assert.Contains("does not exist", reason, StringComparison.Ordinal);
            Assert.True(first.Contains([5, 6]));
        }

        using (TokenTrie second = TokenTrieFile.OpenOrBuild(path, Key("a"), verifyChecksum: true, Build, out string reason))
        {
            Assert.Equal(string.Empty, reason);
            Assert.True(second.IsMemoryMapped);
        }

        Assert.Equal(1, builds);
        using (TokenTrie third = TokenTrieFile.OpenOrBuild(path, Key("b"), verifyChecksum: true, Build, out string reason))
        {
            Assert.Contains("key mismatch", reason, StringComparison.Ordinal);
        }

        Assert.Equal(2, builds);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_leaves_the_trie_in_memory()
    {
        using var directory = new TemporaryDirectory();
        string notADirectory = Path.Combine(directory.Path, "file");
        File.WriteAllText(notADirectory, "x");
        using TokenTrie trie = TokenTrieFile.OpenOrBuild(
            Path.Combine(notADirectory, "t.trie"),
            Key("a"),
            verifyChecksum: true,
            () => TokenTrieBuilder.Build(ToList([[5, 6]]), Continuation),
            out string reason);
        Assert.False(trie.IsMemoryMapped);
        Assert.True(trie.Contains([5, 6]));
        Assert.Contains("could not be written", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_depends_on_names_tokenizer_and_continuation_ids_but_not_on_name_order()
    {
        static NameSetFingerprint Names(params string[] names)
        {
            var fingerprint = default(NameSetFingerprint);
            foreach (string name in names)
            {
                fingerprint.Add(name);
            }

            return fingerprint;
        }

        byte[] tokenizer = [1, 2, 3];
        byte[] key = TokenTrieFile.ComputeKey(tokenizer, Names("a", "b"), [784], skipEmpty: true);
        Assert.Equal(key, TokenTrieFile.ComputeKey(tokenizer, Names("b", "a"), [784], skipEmpty: true));
        Assert.NotEqual(key, TokenTrieFile.ComputeKey(tokenizer, Names("a", "c"), [784], skipEmpty: true));
        Assert.NotEqual(key, TokenTrieFile.ComputeKey(tokenizer, Names("a", "b", "b"), [784], skipEmpty: true));
        Assert.NotEqual(key, TokenTrieFile.ComputeKey([1, 2, 4], Names("a", "b"), [784], skipEmpty: true));
        Assert.NotEqual(key, TokenTrieFile.ComputeKey(tokenizer, Names("a", "b"), [785], skipEmpty: true));
        Assert.NotEqual(key, TokenTrieFile.ComputeKey(tokenizer, Names("a", "b"), [784], skipEmpty: false));
    }

    private static byte[] Key(string text) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));

    private static TokenTrie Build(List<int[]> sequences, int[] continuation) =>
        TokenTrie.FromData(TokenTrieBuilder.Build(ToList(sequences), continuation));

    private static TokenSequenceList ToList(List<int[]> sequences)
    {
        var list = new TokenSequenceList();
        foreach (int[] sequence in sequences)
        {
            list.Add(sequence);
        }

        return list;
    }
}

using SynthIE.Inference.Constraints;
using SynthIE.Inference.Facts;
using SynthIE.Inference.Tests.Infrastructure;
using Linearizations = SynthIE.Inference.Linearization;

namespace SynthIE.Inference.Tests.Constraints;

public sealed class SynthIEConstraintCacheTests
{
    private static readonly Lazy<PrefixCaseFile> Cases =
        new(() => PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json")));

    [Fact]
    public void A_world_constraint_is_built_once_then_memory_mapped_and_rebuilt_when_the_names_change()
    {
        using var directory = new TemporaryDirectory();
        var options = new SynthIEConstraintOptions { CacheDirectory = directory.Path };
        World world = World.FromNames(Cases.Value.EntityNames, Cases.Value.RelationNames);

        using (SynthIEConstraint built = SynthIEConstraint.Create(world, TestEncoders.T5Tokenizer, Linearizations.SubjectCollapsed, options))
        {
            Assert.False(built.EntityTrie.LoadedFromCache);
            Assert.Contains("does not exist", built.EntityTrie.RebuildReason, StringComparison.Ordinal);
            Assert.Equal(Path.Combine(directory.Path, "entities.trie"), built.EntityTrie.CacheFile);
            Assert.Equal(world.Entities.LabelCount, built.EntityTrie.Names);
            Assert.Equal(world.Relations.LabelCount, built.RelationTrie.Names);
        }

        // Same names and tokenizer, even loaded again: the files are used as they are, and allow exactly the same.
        World again = World.FromNames(Cases.Value.EntityNames.Reverse(), Cases.Value.RelationNames);
        using (SynthIEConstraint loaded = SynthIEConstraint.Create(again, TestEncoders.T5Tokenizer, Linearizations.SubjectCollapsed, options))
        using (SynthIEConstraint inMemory = SynthIEConstraint.Create(world, TestEncoders.T5Tokenizer, Linearizations.SubjectCollapsed))
        {
            Assert.True(loaded.EntityTrie.LoadedFromCache);
            Assert.True(loaded.RelationTrie.LoadedFromCache);
            Assert.Null(loaded.EntityTrie.RebuildReason);
            Assert.Null(inMemory.EntityTrie.CacheFile);
            Assert.Equal(inMemory.EntityTrie.Nodes, loaded.EntityTrie.Nodes);
            foreach (PrefixCaseFile.Case @case in Cases.Value.Linearizations["subject_collapsed"].Cases.Take(3000))
            {
                Assert.Equal(Replay(inMemory, @case.Prefix), Replay(loaded, @case.Prefix));
                // A world leaves out names the tokenizer cannot encode (<unk>), which SynthIE's reference keeps: the
                // constraint allows a subset of what it allows (exact parity is SynthIEConstraint.FromNames's, tested elsewhere).
                Assert.Subset(@case.Allowed.ToHashSet(), Replay(loaded, @case.Prefix).ToHashSet());
            }
        }

        // One entity fewer: the entity file is rebuilt, the relation file is not.
        World smaller = World.FromNames(Cases.Value.EntityNames.Skip(1), Cases.Value.RelationNames);
        using SynthIEConstraint rebuilt = SynthIEConstraint.Create(smaller, TestEncoders.T5Tokenizer, Linearizations.SubjectCollapsed, options);
        Assert.False(rebuilt.EntityTrie.LoadedFromCache);
        Assert.Contains("key mismatch", rebuilt.EntityTrie.RebuildReason, StringComparison.Ordinal);
        Assert.True(rebuilt.RelationTrie.LoadedFromCache);
        Assert.Equal(2, Directory.GetFiles(directory.Path).Length);
    }

    [Fact]
    public void World_names_that_give_no_tokens_are_left_out_and_counted()
    {
        // nmt_nfkc removes control characters, so "\u0007" gives no pieces (it is not whitespace for Python).
        World world = World.FromNames(["Paris", "\u0007", "France"], ["capital of"]);
        Assert.Equal(3, world.Entities.LabelCount);
        using SynthIEConstraint constraint = SynthIEConstraint.Create(world, TestEncoders.T5Tokenizer, Linearizations.FullyExpanded);
        Assert.Equal(1, constraint.EntityTrie.SkippedNames);
        Assert.Equal(["\u0007"], constraint.EntityTrie.SkippedExamples);
        Assert.Equal(3, constraint.EntityTrie.Names);

        // The empty name is not allowed: after [s] only the first ids of real names.
        ConstraintState state = constraint.Initial;
        foreach (int token in constraint.MarkerIds[0])
        {
            state = constraint.Advance(state, token);
        }

        int[] allowed = constraint.Allowed(state).ToArray();
        Assert.DoesNotContain(constraint.MarkerIds[1][0], allowed);
        Assert.Equal(2, allowed.Length);
    }

    [Fact]
    public void Formatting_ids_and_parsing_ids_go_through_the_tokenizer()
    {
        PrefixCaseFile.Target target = Cases.Value.Linearizations["fully_expanded"].Targets[5];
        int[] ids = LinearizationFormatter.FormatIds(Linearizations.FullyExpanded, target.Triplets, TestEncoders.T5Tokenizer);
        Assert.Equal(target.Ids, ids);

        FactParseResult result = new FactParser(Linearizations.FullyExpanded).Parse([0, .. ids], TestEncoders.T5Tokenizer);
        Assert.True(result.IsWellFormed, string.Join("; ", result.Diagnostics));
        Assert.Equal(target.Text, LinearizationFormatter.Format(Linearizations.FullyExpanded, result.Facts));
    }

    [Fact]
    public void The_tokenizer_fingerprint_is_stable_across_loads_and_changes_with_the_vocabulary()
    {
        string model = SharedData.File("data/t5-tokenizer/spiece.model");
        var first = T5TokenSequenceEncoder.For(T5Tokenizer.FromSentencePieceModel(model));
        var second = T5TokenSequenceEncoder.For(T5Tokenizer.FromSentencePieceModel(model));
        Assert.NotSame(first, second);
        Assert.Equal(first.Fingerprint.ToArray(), second.Fingerprint.ToArray());

        // The same model with one piece renamed ("Paris" → "Parix") is another tokenizer.
        byte[] bytes = File.ReadAllBytes(model);
        int at = bytes.AsSpan().IndexOf("\u2581Paris"u8);
        Assert.True(at > 0);
        bytes[at + "\u2581Pari"u8.Length] = (byte)'x';
        using var stream = new MemoryStream(bytes);
        var changed = T5TokenSequenceEncoder.For(T5Tokenizer.FromSentencePieceModel(stream, "changed"));
        Assert.NotEqual(first.Fingerprint.ToArray(), changed.Fingerprint.ToArray());
    }

    private static int[] Replay(SynthIEConstraint constraint, int[] prefix)
    {
        ConstraintState state = constraint.Initial;
        for (int i = 1; i < prefix.Length; i++)
        {
            state = constraint.Advance(state, prefix[i]);
        }

        return [.. constraint.Allowed(state).ToArray().Order()];
    }
}

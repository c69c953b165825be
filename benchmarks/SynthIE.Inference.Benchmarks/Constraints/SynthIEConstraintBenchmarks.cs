using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Benchmarks.Constraints;

/// <summary>
/// The per-token cost of the SynthIE constraint on real targets: the constraint is built from the catalog of
/// <c>shared/data/synthie/prefix-allowed-cases.json</c> (7,349 entities, 771 relations) and replays the 129
/// subject-collapsed REBEL targets token by token. Also trie lookups at the widest node (the entity root) and whole
/// names. Run: <c>dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --filter '*SynthIEConstraint*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SynthIEConstraintBenchmarks
{
    private const int TargetTokens = 8385;

    private SynthIEConstraint _constraint = null!;
    private int[] _targets = null!;
    private TokenTrie _entities = null!;
    private int[] _rootTokens = null!;
    private int[][] _names = null!;

    /// <summary>Builds the constraint and loads the targets.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string shared = SharedFolder.Find();
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(Path.Combine(shared, "data", "t5-tokenizer", "spiece.model"));
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(shared, "data", "synthie", "prefix-allowed-cases.json")));
        string[] entityNames = [.. cases.RootElement.GetProperty("entity_names").EnumerateArray().Select(e => e.GetString()!)];
        string[] relationNames = [.. cases.RootElement.GetProperty("relation_names").EnumerateArray().Select(e => e.GetString()!)];
        _constraint = SynthIEConstraint.FromNames(entityNames, relationNames, tokenizer, Linearization.SubjectCollapsed);
        _targets = [.. cases.RootElement.GetProperty("linearizations").GetProperty("subject_collapsed").GetProperty("targets")
            .EnumerateArray().SelectMany(t => t.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()))];
        if (_targets.Length != TargetTokens)
        {
            throw new InvalidOperationException($"Expected {TargetTokens} target tokens, found {_targets.Length}.");
        }

        T5TokenSequenceEncoder encoder = T5TokenSequenceEncoder.For(tokenizer);
        _entities = TokenTrie.FromData(TokenTrieBuilder.Build(entityNames, encoder, [784], skipEmpty: true, out _));
        _rootTokens = _entities.Children(TokenTrie.Root).ToArray();
        _names = [.. entityNames.Take(1000).Select(name => encoder.EncodeWithoutEnd(name))];
    }

    /// <summary>Releases the tries.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _constraint.Dispose();
        _entities.Dispose();
    }

    /// <summary>One Advance followed by one Allowed, per target token (the end token starts the next target).</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(OperationsPerInvoke = TargetTokens)]
    public long AdvanceAndAllowed()
    {
        long sum = 0;
        ConstraintState state = _constraint.Initial;
        int[] targets = _targets;
        for (int i = 0; i < targets.Length; i++)
        {
            state = _constraint.Advance(state, targets[i]);
            sum += _constraint.Allowed(state).Length;
            if (SynthIEConstraint.IsFinished(state))
            {
                state = _constraint.Initial;
            }
        }

        return sum;
    }

    /// <summary>Child lookup at the entity root (binary search over its thousands of children).</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(OperationsPerInvoke = 1024)]
    public long RootChildLookup()
    {
        long sum = 0;
        int[] tokens = _rootTokens;
        for (int i = 0; i < 1024; i++)
        {
            sum += _entities.Child(TokenTrie.Root, tokens[(i * 7919) % tokens.Length]);
        }

        return sum;
    }

    /// <summary>Whole-name membership (a walk from the root plus the terminal bit), per name.</summary>
    /// <returns>How many were found.</returns>
    [Benchmark(OperationsPerInvoke = 1000)]
    public int ContainsName()
    {
        int found = 0;
        foreach (int[] name in _names)
        {
            found += _entities.Contains(name) ? 1 : 0;
        }

        return found;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Benchmarks.Constraints;

/// <summary>
/// Measures the constraint at SynthIE's scale: a world of 2.6M generated entity names (<see cref="RealisticEntityNames"/>)
/// and the 744 Wikidata relations of <c>shared/data/wikidata/pid2name.json</c>, written in SynthIE's file layout.
/// Three processes, so that each number is clean: this one writes the world files; a child loads the world and builds
/// the trie cache (build time, peak memory, file size); another child loads the world and opens the cache (load time,
/// resident memory) and times Advance + Allowed on random constrained walks.
/// <para>
/// Wire it in Program.cs: <c>if (args is ["--world-scale", ..]) return WorldScaleMeasurement.Run(Console.Out, args[1..]);</c>
/// then run <c>dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --world-scale</c>.
/// Options: <c>--entities N</c> (default 2,600,000), <c>--seed S</c> (1), <c>--dir PATH</c> (a new temp folder,
/// deleted afterwards unless given), <c>--shared PATH</c> (the shared folder), <c>--phase all|build|load</c>.
/// </para>
/// </summary>
public static class WorldScaleMeasurement
{
    private const string WorldName = "scale";

    /// <summary>Runs the measurement and writes a report.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="args">Options (see the class summary).</param>
    /// <returns>The exit code.</returns>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(args);
        int entities = int.Parse(Option(args, "--entities") ?? "2600000", CultureInfo.InvariantCulture);
        int seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        string phase = Option(args, "--phase") ?? "all";
        string shared = Option(args, "--shared") ?? SharedFolder.Find();
        string? givenDirectory = Option(args, "--dir");
        string directory = givenDirectory ?? Path.Combine(Path.GetTempPath(), "synthie-world-scale-" + Guid.NewGuid().ToString("N"));

        switch (phase)
        {
            case "build":
                return Build(output, directory, shared);
            case "load":
                return Load(output, directory, shared, seed);
            case "all":
                break;
            default:
                output.WriteLine($"Unknown --phase '{phase}' (all, build or load).");
                return 2;
        }

        try
        {
            output.WriteLine($"World scale measurement: {entities:N0} generated entities (seed {seed}), relations from pid2name.json");
            output.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            var stopwatch = Stopwatch.StartNew();
            string description = WriteWorld(directory, shared, entities, seed);
            output.WriteLine($"names: {description}");
            output.WriteLine($"world files written in {stopwatch.Elapsed.TotalSeconds:F1} s to {directory}");
            int code = RunChild(output, "build", directory, shared, seed);
            return code != 0 ? code : RunChild(output, "load", directory, shared, seed);
        }
        finally
        {
            if (givenDirectory is null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static int Build(TextWriter output, string directory, string shared)
    {
        var stopwatch = Stopwatch.StartNew();
        World world = WorldLoader.LoadSynthIE(Path.Combine(directory, "data"), WorldName);
        double worldSeconds = stopwatch.Elapsed.TotalSeconds;
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(Path.Combine(shared, "data", "t5-tokenizer", "spiece.model"));
        stopwatch.Restart();
        using SynthIEConstraint constraint = SynthIEConstraint.Create(world, tokenizer, Linearization.SubjectCollapsed, Options(directory));
        double buildSeconds = stopwatch.Elapsed.TotalSeconds;
        using Process self = Process.GetCurrentProcess();
        self.Refresh();
        string entityFile = constraint.EntityTrie.CacheFile!;
        string relationFile = constraint.RelationTrie.CacheFile!;
        output.WriteLine($"[build] world loaded from SynthIE files in {worldSeconds:F2} s: {world} ({world.Entities.IdCount:N0} entity ids; skipped: {world.Entities.Report})");
        output.WriteLine($"[build] tries built and cached in {buildSeconds:F2} s (tokenize + sort + lay out + write both files)");
        output.WriteLine($"[build]   entity trie: {constraint.EntityTrie.Nodes:N0} nodes from {constraint.EntityTrie.Names:N0} names ({constraint.EntityTrie.SkippedNames} skipped), file {Megabytes(new FileInfo(entityFile).Length)}");
        output.WriteLine($"[build]   relation trie: {constraint.RelationTrie.Nodes:N0} nodes from {constraint.RelationTrie.Names:N0} names, file {Megabytes(new FileInfo(relationFile).Length)}");
        output.WriteLine($"[build] peak resident memory of the build process: {Megabytes(self.PeakWorkingSet64)}");
        return 0;
    }

    private static int Load(TextWriter output, string directory, string shared, int seed)
    {
        var stopwatch = Stopwatch.StartNew();
        World world = WorldLoader.LoadSynthIE(Path.Combine(directory, "data"), WorldName);
        double worldSeconds = stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(Path.Combine(shared, "data", "t5-tokenizer", "spiece.model"));
        double tokenizerSeconds = stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        using SynthIEConstraint constraint = SynthIEConstraint.Create(world, tokenizer, Linearization.SubjectCollapsed, Options(directory));
        double loadSeconds = stopwatch.Elapsed.TotalSeconds;
        if (!constraint.EntityTrie.LoadedFromCache || !constraint.RelationTrie.LoadedFromCache)
        {
            output.WriteLine($"[load] the cache was not used: {constraint.EntityTrie.RebuildReason ?? constraint.RelationTrie.RebuildReason}");
            return 1;
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using Process self = Process.GetCurrentProcess();
        self.Refresh();
        long resident = self.WorkingSet64;
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        output.WriteLine($"[load] world loaded from SynthIE files in {worldSeconds:F2} s; tokenizer in {tokenizerSeconds:F2} s");
        output.WriteLine($"[load] constraint opened from the cache files in {loadSeconds:F3} s (key check, memory map, checksum of every byte)");
        output.WriteLine($"[load] resident memory after load (world, tokenizer and constraint; after a full GC): {Megabytes(resident)} ({ResidentBreakdown()}; managed heap {Megabytes(managed)})");
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        self.Refresh();
        output.WriteLine($"[load]   after an aggressive GC, which returns the loader's freed heap to the OS: {Megabytes(self.WorkingSet64)}");

        (double median, double p90, long pairs) = TimeAdvanceAndAllowed(constraint, seed);
        output.WriteLine($"[load] Advance + Allowed on random constrained walks: median {median:F1} ns, p90 {p90:F1} ns per pair (batches of 1,024 pairs, {pairs:N0} pairs)");
        return 0;
    }

    /// <summary>Replays pre-drawn random walks (one per hypothesis) and times batches of Advance + Allowed.</summary>
    private static (double Median, double P90, long Pairs) TimeAdvanceAndAllowed(SynthIEConstraint constraint, int seed)
    {
        // Draw the walks first so that only the constraint is timed.
        var random = new Random(seed);
        var tokens = new List<int>();
        while (tokens.Count < 2_000_000)
        {
            ConstraintState state = constraint.Initial;
            for (int step = 0; step < 256; step++)
            {
                ReadOnlySpan<int> allowed = constraint.Allowed(state);
                if (allowed.IsEmpty)
                {
                    break;
                }

                int token = allowed[random.Next(allowed.Length)];
                if (token == T5Tokenizer.EndOfSequenceId && allowed.Length > 1 && step < 200)
                {
                    token = allowed[(allowed.IndexOf(token) + 1) % allowed.Length];
                }

                tokens.Add(token);
                state = constraint.Advance(state, token);
                if (SynthIEConstraint.IsFinished(state))
                {
                    break;
                }
            }

            tokens.Add(-1);
        }

        int[] walk = [.. tokens];
        const int Batch = 1024;
        var perPair = new List<double>();
        long checksum = 0;
        long pairs = 0;
        for (int round = 0; round < 3; round++)
        {
            ConstraintState state = constraint.Initial;
            for (int start = 0; start + Batch <= walk.Length; start += Batch)
            {
                long began = Stopwatch.GetTimestamp();
                for (int i = start; i < start + Batch; i++)
                {
                    int token = walk[i];
                    if (token < 0)
                    {
                        state = constraint.Initial;
                        continue;
                    }

                    state = constraint.Advance(state, token);
                    checksum += constraint.Allowed(state).Length;
                }

                long elapsed = Stopwatch.GetTimestamp() - began;
                if (round > 0)
                {
                    perPair.Add(elapsed * 1e9 / Stopwatch.Frequency / Batch);
                    pairs += Batch;
                }
            }
        }

        perPair.Sort();
        GC.KeepAlive(checksum);
        return (perPair[perPair.Count / 2], perPair[perPair.Count * 9 / 10], pairs);
    }

    private static string WriteWorld(string directory, string shared, int entities, int seed)
    {
        string data = Path.Combine(directory, "data");
        string world = Path.Combine(data, "constrained_worlds", WorldName);
        string mappings = Path.Combine(data, "id2name_mappings");
        Directory.CreateDirectory(world);
        Directory.CreateDirectory(mappings);

        string[] names = new RealisticEntityNames(seed).Generate(entities);
        using (var ids = new StreamWriter(Path.Combine(world, "entities.json"), false, new UTF8Encoding(false)))
        using (var mapping = new StreamWriter(Path.Combine(mappings, "entity_mapping.jsonl"), false, new UTF8Encoding(false)))
        {
            ids.Write('[');
            for (int i = 0; i < names.Length; i++)
            {
                string id = "Q" + (i + 1).ToString(CultureInfo.InvariantCulture);
                ids.Write(i == 0 ? $"\"{id}\"" : $", \"{id}\"");
                mapping.Write("{\"id\": \"");
                mapping.Write(id);
                mapping.Write("\", \"en_label\": ");
                mapping.Write(JsonSerializer.Serialize(names[i]));
                mapping.Write("}\n");
            }

            ids.Write(']');
        }

        using JsonDocument properties = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(shared, "data", "wikidata", "pid2name.json")));
        using (var ids = new StreamWriter(Path.Combine(world, "relations.json"), false, new UTF8Encoding(false)))
        using (var mapping = new StreamWriter(Path.Combine(mappings, "relation_mapping.jsonl"), false, new UTF8Encoding(false)))
        {
            var list = new List<string>();
            foreach (JsonProperty property in properties.RootElement.EnumerateObject())
            {
                list.Add(property.Name);
                mapping.Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = property.Name, ["en_label"] = property.Value[0].GetString()! }));
                mapping.Write('\n');
            }

            ids.Write(JsonSerializer.Serialize(list));
        }

        return RealisticEntityNames.Describe(names);
    }

    private static int RunChild(TextWriter output, string phase, string directory, string shared, int seed)
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        var start = new ProcessStartInfo(processPath) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(WorldScaleMeasurement).Assembly.Location);
        }

        foreach (string argument in (string[])["--world-scale", "--phase", phase, "--dir", directory, "--shared", shared, "--seed", seed.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {processPath}.");
        output.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>Anonymous (heap) and file-backed (mapped trie, code) resident memory, from /proc on Linux.</summary>
    private static string ResidentBreakdown()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return string.Empty;
        }

        string[] fields = ["RssAnon", "RssFile", "RssShmem"];
        return string.Join(", ", File.ReadLines(Status)
            .Where(line => fields.Any(field => line.StartsWith(field + ":", StringComparison.Ordinal)))
            .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @"\s+", " ")));
    }

    private static SynthIEConstraintOptions Options(string directory) =>
        new() { CacheDirectory = Path.Combine(directory, "cache") };

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// <c>--greedy-vs-transformers-js</c>: greedy decoding tokens/s, ours against transformers.js on Node (onnxruntime-node),
/// on the same generated ONNX files (encoder + merged decoder), the same input token ids, the same max_new_tokens, batch
/// size 1 and the same intra-op thread count. tokens/s = generated tokens (the returned sequences without the start token)
/// / wall time of the generate calls; model loading is timed separately and excluded. Both sides warm up on the first
/// input first. The two sides alternate for <c>--rounds</c> rounds, in turn first (the machine is shared): the ratio is
/// the median over rounds of the ratio within a round; tokens/s are the best round of each side; every round is printed.
/// The outputs must be the same token ids, or the comparison is void.
/// </summary>
internal static class GreedyComparison
{
    public static int Run(TextWriter output, string[] args)
    {
        var arguments = new MeasurementArguments(args, new HashSet<string>(StringComparer.Ordinal) { "--quick", "--no-js" });
        bool quick = arguments.Flag("--quick");
        string shape = arguments.Text("--model", "base");
        int threads = arguments.Integer("--threads", 2, minimum: 1);
        int inputCount = arguments.Integer("--inputs", quick ? 3 : 8, minimum: 1);
        int maxNewTokens = arguments.Integer("--max-new-tokens", 96, minimum: 1);
        int rounds = arguments.Integer("--rounds", quick ? 2 : 3, minimum: 1);
        string[] variants = arguments.Text("--ours", "merged").Split(',');
        string[] jsVariants = arguments.Flag("--no-js") ? [] : arguments.Text("--js", "default").Split(',');
        if (jsVariants.Any(v => v is not ("default" or "nospin")))
        {
            throw new ArgumentException("--js takes default and/or nospin.");
        }

        arguments.RejectUnknown();

        string modelDirectory = BenchmarkModel.Prepare(shape, Console.Error);
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(Path.Combine(modelDirectory, "spiece.model"));
        int[][] inputs = BenchmarkInputs.Tokenize(tokenizer, BenchmarkInputs.Texts(inputCount));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"greedy, flan-t5-{shape} shape ({modelDirectory}), {inputs.Length} REBEL inputs ({inputs.Sum(i => i.Length)} tokens), batch 1, max_new_tokens {maxNewTokens}, {threads} intra-op thread(s), {rounds} round(s)"));

        T5ModelConfig config = T5ModelConfig.Load(Path.Combine(modelDirectory, "config.json"));
        var options = new DecodingOptions
        {
            NumBeams = 1,
            NumReturnSequences = 1,
            MaxNewTokens = maxNewTokens,
            DecoderStartTokenId = config.DecoderStartTokenId,
            EosTokenId = config.EndOfSequenceTokenId,
            PadTokenId = config.PadTokenId,
        };
        var models = new List<OursVariant>();
        string request = WriteRequest(inputs, maxNewTokens);
        var theirs = jsVariants.ToDictionary(v => v, _ => new List<SideResult>());
        int[][]? ourSequences = null;
        try
        {
            foreach (string variant in variants)
            {
                models.Add(OursVariant.Load(variant, modelDirectory, config, threads));
                _ = models[^1].Generator.Generate([inputs[0]], options, default); // warm-up, as transformers.js's --warmup 1
            }

            for (int round = 1; round <= rounds; round++)
            {
                // Odd rounds run ours first, even rounds transformers.js first, so that a change of load between the
                // two halves of a round does not always favour the same side.
                if (round % 2 == 0 && ourSequences is not null && !RunTransformersJsRound(round))
                {
                    return 1;
                }

                foreach (OursVariant variant in models)
                {
                    var statistics = new GenerationStatistics();
                    int[][] sequences = [.. inputs.Select(input => variant.Generator.Generate([input], options, default, statistics)[0][0].TokenIds.ToArray())];
                    variant.Results.Add(new SideResult(statistics.GeneratedTokens, statistics.Total.TotalMilliseconds, variant.LoadMilliseconds, 1 - statistics.OverheadShare));
                    output.WriteLine($"  round {round}: ours {variant.Name,-10} {variant.Results[^1]}");
                    ourSequences ??= sequences;
                    int differing = Enumerable.Range(0, inputs.Length).Count(i => !sequences[i].SequenceEqual(ourSequences[i]));
                    if (differing > 0)
                    {
                        output.WriteLine($"note: {differing} of {inputs.Length} outputs of variant {variant.Name} differ from the first variant's.");
                    }
                }

                if (round % 2 == 1 && !RunTransformersJsRound(round))
                {
                    return 1;
                }
            }
        }
        finally
        {
            File.Delete(request);
            foreach (OursVariant variant in models)
            {
                variant.Dispose();
            }
        }

        bool RunTransformersJsRound(int round)
        {
            foreach (string jsVariant in jsVariants)
            {
                (SideResult result, int[][] sequences) = RunTransformersJs(modelDirectory, request, threads, jsVariant == "nospin");
                theirs[jsVariant].Add(result);
                output.WriteLine($"  round {round}: transformers.js {(jsVariant == "default" ? string.Empty : jsVariant),-7}{result}");
                int differing = Enumerable.Range(0, inputs.Length).Count(i => !sequences[i].SequenceEqual(ourSequences![i]));
                if (differing > 0)
                {
                    output.WriteLine($"ERROR: {differing} of {inputs.Length} outputs differ from transformers.js's: the two sides did not do the same work.");
                    return false;
                }
            }

            return true;
        }

        SideResult bestOurs = default!;
        foreach (OursVariant variant in models)
        {
            SideResult best = variant.Results.MaxBy(r => r.TokensPerSecond)!;
            bestOurs ??= best;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ours ({variant.Name}): {best.TokensPerSecond:F1} tokens/s ({best.Tokens} tokens in {best.Milliseconds:F0} ms, {best.Milliseconds / best.Tokens:F1} ms/token; load {variant.LoadMilliseconds:F0} ms; {best.RunShare:P1} of it inside ONNX Runtime's Run)"));
        }

        output.WriteLine($"result greedy_ours_tokens_per_s={bestOurs.TokensPerSecond.ToString("F2", CultureInfo.InvariantCulture)}");
        foreach (string jsVariant in jsVariants)
        {
            SideResult bestTheirs = theirs[jsVariant].MaxBy(r => r.TokensPerSecond)!;
            double bestRatio = bestOurs.TokensPerSecond / bestTheirs.TokensPerSecond;

            // The figure: the median over rounds of the ratio within a round (the two sides of a round ran back to back).
            double[] perRound = [.. models[0].Results.Zip(theirs[jsVariant], (o, t) => o.TokensPerSecond / t.TokensPerSecond).Order()];
            double ratio = perRound.Length % 2 == 1
                ? perRound[perRound.Length / 2]
                : (perRound[(perRound.Length / 2) - 1] + perRound[perRound.Length / 2]) / 2;
            string label = jsVariant == "default" ? "transformers.js" : $"transformers.js ({jsVariant})";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {bestTheirs.TokensPerSecond:F1} tokens/s ({bestTheirs.Tokens} tokens in {bestTheirs.Milliseconds:F0} ms, {bestTheirs.Milliseconds / bestTheirs.Tokens:F1} ms/token; load {bestTheirs.LoadMilliseconds:F0} ms; {bestTheirs.RunShare:P1} of it awaiting session.run); same token ids: yes"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio ours ({models[0].Name}) / {label}: {ratio:F2}x, median of the rounds ({string.Join(", ", perRound.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}); best round against best round {bestRatio:F2}x{(jsVariant == "default" ? "; target ≥ 1.5x" : string.Empty)}"));
            string suffix = jsVariant == "default" ? string.Empty : "_" + jsVariant;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result greedy_js{suffix}_tokens_per_s={bestTheirs.TokensPerSecond:F2}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result greedy{suffix}_ratio={ratio:F3}"));
        }

        return 0;
    }

    private static string WriteRequest(int[][] inputs, int maxNewTokens)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray([.. inputs.Select(ids => (JsonNode)new JsonObject { ["ids"] = new JsonArray([.. ids.Select(id => (JsonNode)id)]) })]),
            ["max_new_tokens"] = maxNewTokens,
        };
        string path = Path.Combine(Path.GetTempPath(), $"synthie-greedy-request-{Environment.ProcessId}.json");
        File.WriteAllText(path, request.ToJsonString());
        return path;
    }

    private static (SideResult Result, int[][] Sequences) RunTransformersJs(string modelDirectory, string request, int threads, bool noSpin)
    {
        string js = Path.Combine(BenchmarkPaths.RepositoryRoot(), "tests", "js");
        if (!Directory.Exists(Path.Combine(js, "node_modules", "@huggingface", "transformers")))
        {
            throw new InvalidOperationException($"transformers.js is not installed in {js}: run `cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund`.");
        }

        string[] arguments = [Path.Combine(js, "greedy.mjs"), modelDirectory, request, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--warmup", "1", "--timings-json"];
        var start = new ProcessStartInfo("node", noSpin ? [.. arguments, "--no-spin"] : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = js,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"transformers.js failed (exit {process.ExitCode}): {stderr.Result}");
        }

        JsonNode result = JsonNode.Parse(stdout.Result) ?? throw new InvalidDataException("greedy.mjs printed nothing.");
        int[][] sequences = [.. result["outputs"]!.AsArray().Select(o => o!["sequence"]!.AsArray().Select(n => (int)n!).ToArray())];
        JsonNode timings = result["timings"]!;
        long tokens = sequences.Sum(s => (long)s.Length - 1);
        double generateMs = (double)timings["generate_ms"]!;
        return (new SideResult(tokens, generateMs, (double)timings["load_ms"]!, (double)timings["run_ms"]! / generateMs), sequences);
    }

    /// <summary>
    /// One configuration of ours: <c>merged</c> (what <see cref="SynthIEExtractor"/> loads: encoder + merged decoder, the
    /// files transformers.js loads) or <c>pair</c> (decoder + decoder-with-past), optionally with <c>:nospin</c> (ONNX
    /// Runtime's intra-op threads do not spin while waiting).
    /// </summary>
    private sealed class OursVariant : IDisposable
    {
        private readonly T5OnnxModel _model;

        private OursVariant(string name, T5OnnxModel model, double loadMilliseconds)
        {
            Name = name;
            _model = model;
            Generator = new Generator(model);
            LoadMilliseconds = loadMilliseconds;
        }

        public string Name { get; }

        public Generator Generator { get; }

        public double LoadMilliseconds { get; }

        public List<SideResult> Results { get; } = [];

        public static OursVariant Load(string name, string modelDirectory, T5ModelConfig config, int threads)
        {
            string[] parts = name.Split(':');
            if (parts[0] is not ("merged" or "pair") || parts.Skip(1).Any(p => p != "nospin"))
            {
                throw new ArgumentException($"--ours variant '{name}' is not merged or pair, optionally with :nospin.");
            }

            long start = Stopwatch.GetTimestamp();
            using SessionOptions sessionOptions = SessionOptionsFactory.Create(ExecutionDevice.Cpu, threads);
            if (parts.Contains("nospin"))
            {
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            T5OnnxModel model = T5OnnxModel.Load(config, OnnxModelFiles.Find(modelDirectory, quantized: false, preferMerged: parts[0] == "merged"), sessionOptions);
            return new OursVariant(name, model, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        public void Dispose() => _model.Dispose();
    }

    private sealed record SideResult(long Tokens, double Milliseconds, double LoadMilliseconds, double RunShare)
    {
        public double TokensPerSecond => Tokens / (Milliseconds / 1000);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{TokensPerSecond,7:F1} tokens/s  ({Tokens} tokens, {Milliseconds:F0} ms, {RunShare:P1} in Run)");
    }
}

using System.Diagnostics;
using System.Globalization;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// <c>--loop-overhead</c>: the decoder loop's own share of the wall time, i.e. the time outside ONNX Runtime's <c>Run</c>
/// (search, constraint, logits and cache copies, allocations) during SynthIE decoding: 10 beams, constrained to the
/// benchmark world, on the generated flan-t5-base-shaped model, batch 1, over REBEL inputs, after one warm-up input.
/// The model is loaded the way users load it (<see cref="SynthIEExtractor.Create"/>), and the extractor's own model,
/// decoding options and constraint are driven with <see cref="GenerationStatistics"/> attached.
/// </summary>
internal static class LoopOverheadMeasurement
{
    public static int Run(TextWriter output, string[] args)
    {
        var arguments = new MeasurementArguments(args, new HashSet<string>(StringComparer.Ordinal) { "--quick", "--unconstrained" });
        bool quick = arguments.Flag("--quick");
        string shape = arguments.Text("--model", "base");
        int threads = arguments.Integer("--threads", 2, minimum: 1);
        int beams = arguments.Integer("--beams", 10, minimum: 1);
        int batch = arguments.Integer("--batch", 1, minimum: 1);
        int inputCount = arguments.Integer("--inputs", quick ? 2 : 6, minimum: 1);
        int maxNewTokens = arguments.Integer("--max-new-tokens", 256, minimum: 1);
        bool constrained = !arguments.Flag("--unconstrained");
        arguments.RejectUnknown();

        string modelDirectory = BenchmarkModel.Prepare(shape, Console.Error);
        long loadStart = Stopwatch.GetTimestamp();
        using SynthIEExtractor extractor = SynthIEExtractor.Create(modelDirectory, new SynthIEExtractorOptions
        {
            NumBeams = beams,
            MaxNewTokens = maxNewTokens,
            IntraOpThreads = threads,
            Constrained = constrained,
            MaxBatchSize = batch,
        });
        double loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        int[][] inputs = BenchmarkInputs.Tokenize(extractor.Tokenizer, BenchmarkInputs.Texts(inputCount * batch));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decoder-loop overhead, flan-t5-{shape} shape, {beams} beams, {(constrained ? "constrained" : "unconstrained")}, batch {batch}, {inputCount} call(s) over {inputs.Length} REBEL inputs ({inputs.Sum(i => i.Length)} tokens), max_new_tokens {maxNewTokens}, {threads} intra-op thread(s); load {loadMs:F0} ms"));

        var generator = new Generator(extractor.OnnxModel);
        _ = generator.Generate(inputs[..batch], extractor.DecodingOptions, default); // warm-up
        var total = new GenerationStatistics();
        for (int call = 0; call < inputCount; call++)
        {
            var statistics = new GenerationStatistics();
            _ = generator.Generate(inputs[(call * batch)..((call + 1) * batch)], extractor.DecodingOptions, default, statistics);
            total.Add(statistics);
            output.WriteLine($"  call {call + 1}: {Describe(statistics)}");
        }

        output.WriteLine($"all:     {Describe(total)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decoder-loop overhead: {total.OverheadShare:P2} of the wall time outside ONNX Runtime's Run (target ≤ 5%)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result loop_overhead_share={total.OverheadShare:F4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result loop_tokens_per_s={total.GeneratedTokens / total.Total.TotalSeconds:F2}"));
        return 0;
    }

    private static string Describe(GenerationStatistics s)
    {
        double totalMs = s.Total.TotalMilliseconds;
        double encoderMs = Stopwatch.GetElapsedTime(0, s.EncoderRunTicks).TotalMilliseconds;
        double decoderMs = Stopwatch.GetElapsedTime(0, s.DecoderRunTicks).TotalMilliseconds;
        double outsideMs = totalMs - encoderMs - decoderMs;
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.DecoderSteps} steps, {s.GeneratedTokens} tokens, {totalMs:F0} ms = encoder Run {encoderMs:F0} + decoder Run {decoderMs:F0} ({decoderMs / Math.Max(1, s.DecoderSteps):F1}/step) + outside {outsideMs:F0} ms ({outsideMs / Math.Max(1, s.DecoderSteps):F2}/step) -> overhead {s.OverheadShare:P2}");
    }
}

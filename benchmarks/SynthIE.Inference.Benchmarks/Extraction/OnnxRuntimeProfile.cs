using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// <c>--ort-profile</c>: where the time inside ONNX Runtime's <c>Run</c> goes, per operator type, for the decoder graph
/// (merged by default) during unconstrained decoding on a generated model, from ONNX Runtime's own profiler. The
/// <c>If</c> node of the merged decoder contains its branch's operators, so it is listed apart, not in the total.
/// </summary>
internal static class OnnxRuntimeProfile
{
    public static int Run(TextWriter output, string[] args)
    {
        var arguments = new MeasurementArguments(args, new HashSet<string>(StringComparer.Ordinal));
        string shape = arguments.Text("--model", "base");
        int threads = arguments.Integer("--threads", 2, minimum: 1);
        int beams = arguments.Integer("--beams", 1, minimum: 1);
        int inputCount = arguments.Integer("--inputs", 2, minimum: 1);
        int maxNewTokens = arguments.Integer("--max-new-tokens", 40, minimum: 1);
        string decoder = arguments.Text("--decoder", "merged");
        arguments.RejectUnknown();
        if (decoder is not ("merged" or "pair"))
        {
            throw new ArgumentException($"--decoder must be merged or pair, not '{decoder}'.");
        }

        string directory = BenchmarkModel.Prepare(shape, Console.Error);
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(Path.Combine(directory, "spiece.model"));
        int[][] inputs = BenchmarkInputs.Tokenize(tokenizer, BenchmarkInputs.Texts(inputCount));
        T5ModelConfig config = T5ModelConfig.Load(Path.Combine(directory, "config.json"));
        using SessionOptions sessionOptions = SessionOptionsFactory.Create(ExecutionDevice.Cpu, threads);
        sessionOptions.EnableProfiling = true;
        sessionOptions.ProfileOutputPathPrefix = Path.Combine(Path.GetTempPath(), "synthie-ort-profile");
        using T5OnnxModel model = T5OnnxModel.Load(config, OnnxModelFiles.Find(directory, quantized: false, preferMerged: decoder == "merged"), sessionOptions);
        var generator = new Generator(model);
        var options = new DecodingOptions { NumBeams = beams, NumReturnSequences = 1, MaxNewTokens = maxNewTokens };
        var statistics = new GenerationStatistics();
        foreach (int[] input in inputs)
        {
            _ = generator.Generate([input], options, default, statistics);
        }

        InferenceSession session = model.MergedDecoder ?? model.DecoderWithPast!;
        string file = session.EndProfiling();
        foreach (InferenceSession other in new[] { model.Encoder, model.Decoder }.OfType<InferenceSession>())
        {
            File.Delete(other.EndProfiling());
        }

        var byOperator = new Dictionary<string, (double Microseconds, int Count)>(StringComparer.Ordinal);
        using (JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file)))
        {
            foreach (JsonElement e in document.RootElement.EnumerateArray())
            {
                if (e.GetProperty("cat").GetString() != "Node" || !e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                {
                    continue;
                }

                string op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                double duration = e.GetProperty("dur").GetDouble();
                byOperator[op] = byOperator.TryGetValue(op, out (double Microseconds, int Count) sum) ? (sum.Microseconds + duration, sum.Count + 1) : (duration, 1);
            }
        }

        File.Delete(file);
        double total = byOperator.Where(kv => kv.Key != "If").Sum(kv => kv.Value.Microseconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX Runtime profile of the {decoder} decoder, flan-t5-{shape} shape, {beams} beam(s), {inputs.Length} input(s), {statistics.DecoderSteps} decoder steps, {threads} intra-op thread(s)"));
        output.WriteLine($"{"operator",-28}{"ms",10}{"share",9}{"ms/step",10}{"calls",8}");
        foreach ((string op, (double microseconds, int count)) in byOperator.OrderByDescending(kv => kv.Value.Microseconds))
        {
            bool nested = op == "If";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{op + (nested ? " (holds the rest)" : string.Empty),-28}{microseconds / 1000,10:F1}{(nested ? string.Empty : (microseconds / total).ToString("P1", CultureInfo.InvariantCulture)),9}{microseconds / 1000 / statistics.DecoderSteps,10:F2}{count,8}"));
        }

        double runMs = Stopwatch(statistics.DecoderRunTicks);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"operators {total / 1000:F1} ms of {runMs:F1} ms inside the decoder's Run ({total / 1000 / runMs:P1}; the rest is ONNX Runtime's own work between operators)"));
        return 0;
    }

    private static double Stopwatch(long ticks) => System.Diagnostics.Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds;
}

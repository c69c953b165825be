using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Benchmarks.Extraction;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Benchmarks.Gpu;

/// <summary>
/// <c>--device-table</c>: documents/s and tokens/s of SynthIE decoding (constrained, 10 beams by default, and greedy with
/// <c>--greedy</c>) at several batch sizes on one execution device, for the GPU benchmark of issue 14
/// (<c>benchmarks/gpu/device-run.sh</c> runs it for CPU and CUDA and puts the rows beside the PyTorch baseline). The
/// model is one of the generated flan-t5 shapes (<see cref="BenchmarkModel"/>), loaded the way users load it
/// (<see cref="SynthIEExtractor.Create"/> with <see cref="SynthIEExtractorOptions.Device"/>); batch <c>B</c> decodes the
/// first <c>B</c> REBEL documents in one call of the extractor's generator with <see cref="GenerationStatistics"/>
/// attached, so every row also says how much of its wall time was spent outside ONNX Runtime's <c>Run</c>.
/// A time budget (<c>--budget-seconds</c>) skips the configurations that would not fit, and says so in the rows; a row
/// that fails (out of memory, most likely) is recorded with its reason and ends that search's larger batches. Exit
/// status 3: the device cannot be used (the library's message is printed).
/// </summary>
internal static class DeviceTableMeasurement
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static int Run(TextWriter output, string[] args)
    {
        var arguments = new MeasurementArguments(args, new HashSet<string>(StringComparer.Ordinal) { "--greedy", "--unconstrained", "--no-sequences", "--prepare-only", "--export-only" });
        string device = arguments.Text("--device", "cpu");
        int cudaDevice = arguments.Integer("--cuda-device", 0);
        string shape = arguments.Text("--model", "base");
        int[] batches = ParseList(arguments.Text("--batches", "1,8,32,64"), "--batches");
        int beams = arguments.Integer("--beams", 10, minimum: 1);
        bool greedy = arguments.Flag("--greedy");
        bool constrained = !arguments.Flag("--unconstrained");
        int threads = arguments.Integer("--threads", 0);
        int maxNewTokens = arguments.Integer("--max-new-tokens", 0);
        int warmupTokens = arguments.Integer("--warmup-tokens", 4);
        double budgetSeconds = arguments.Integer("--budget-seconds", 0);
        string decoder = arguments.Text("--decoder", "auto");
        string binding = arguments.Text("--binding", "auto");
        long memoryLimit = arguments.Integer("--cuda-mem-limit-mib", 0) * 1024L * 1024L;
        string? jsonPath = NullIfEmpty(arguments.Text("--json", string.Empty));
        string? exportPath = NullIfEmpty(arguments.Text("--export-hf", string.Empty));
        bool keepSequences = !arguments.Flag("--no-sequences");
        bool prepareOnly = arguments.Flag("--prepare-only");
        bool exportOnly = arguments.Flag("--export-only");
        arguments.RejectUnknown();
        ExecutionDevice executionDevice = device switch
        {
            "cpu" => ExecutionDevice.Cpu,
            "cuda" => ExecutionDevice.Cuda,
            _ => throw new ArgumentException($"--device must be cpu or cuda, not '{device}'."),
        };
        if (decoder is not ("auto" or "merged" or "pair"))
        {
            throw new ArgumentException($"--decoder must be auto (what SynthIEExtractor loads on the device), merged or pair, not '{decoder}'.");
        }

        if (binding is not ("auto" or "on" or "off"))
        {
            throw new ArgumentException($"--binding must be auto (the device's default), on or off, not '{binding}'.");
        }

        Stopwatch clock = Stopwatch.StartNew();
        string modelDirectory = BenchmarkModel.Prepare(shape, Console.Error);
        if (prepareOnly)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {shape}: {modelDirectory} ({clock.Elapsed.TotalSeconds:F0} s)"));
            return 0;
        }

        var report = new JsonObject
        {
            ["kind"] = "synthie-device-table",
            ["device"] = device,
            ["cuda_device"] = executionDevice == ExecutionDevice.Cuda ? cudaDevice : null,
            ["model"] = shape,
            ["model_directory"] = modelDirectory,
            ["parameters"] = BenchmarkModel.Options(shape).ParameterCount,
            ["decoder_requested"] = decoder,
            ["binding_requested"] = binding,
            ["constrained"] = constrained,
            ["intra_op_threads"] = threads,
            ["budget_seconds"] = budgetSeconds,
            ["machine_cores"] = Environment.ProcessorCount,
            ["dotnet"] = Environment.Version.ToString(),
            ["rows"] = new JsonArray(),
        };
        double prepareSeconds = clock.Elapsed.TotalSeconds;

        long loadStart = Stopwatch.GetTimestamp();
        using DeviceTableModel? loaded = Load(modelDirectory, new SynthIEExtractorOptions
        {
            NumBeams = beams,
            MaxNewTokens = maxNewTokens > 0 ? maxNewTokens : null,
            MaxBatchSize = batches.Max(),
            Constrained = constrained,
            Device = executionDevice,
            CudaDeviceId = cudaDevice,
            IntraOpThreads = threads,
            CudaMemoryLimitBytes = memoryLimit > 0 ? memoryLimit : null,
        }, decoder, binding, output);
        if (loaded is not { } model)
        {
            return 3;
        }

        double loadSeconds = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;
        SynthIEExtractor extractor = model.Extractor;
        report["decoder"] = model.DecoderForm;
        report["binding"] = model.UsesBinding;
        report["ort_version"] = OnnxRuntimeInfo.NativeVersion();
        report["ort_providers"] = new JsonArray([.. OnnxRuntimeInfo.AvailableProviders().Select(p => (JsonNode?)p)]);
        report["prepare_model_seconds"] = Math.Round(prepareSeconds, 2);
        report["load_seconds"] = Math.Round(loadSeconds, 2);
        report["num_return_sequences"] = extractor.NumReturnSequences;
        report["length_penalty"] = extractor.LengthPenalty;
        report["max_new_tokens"] = extractor.MaxNewTokens;
        report["linearization"] = extractor.Linearization.Identifier;

        int[][] inputs = BenchmarkInputs.Tokenize(extractor.Tokenizer, BenchmarkInputs.Texts(batches.Max()));
        if (exportPath is not null)
        {
            HfBaselineExport.Write(exportPath, extractor, inputs, output);
            if (exportOnly)
            {
                return 0;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"device table: flan-t5-{shape} shape on {device}{(executionDevice == ExecutionDevice.Cuda ? $" {cudaDevice}" : string.Empty)} ({model.DecoderForm} decoder, {(model.UsesBinding ? "device binding" : "host-memory path")}), {(constrained ? "constrained" : "unconstrained")}, beams {beams}{(greedy ? " and greedy" : string.Empty)}, batches {string.Join(',', batches)}, ONNX Runtime {OnnxRuntimeInfo.NativeVersion()}, load {loadSeconds:F1} s{(budgetSeconds > 0 ? $", budget {budgetSeconds:F0} s" : string.Empty)}"));
        output.WriteLine($"{"beams",5} {"batch",5} {"seconds",8} {"docs/s",8} {"tokens/s",9} {"steps",6} {"Run ms/step",12} {"outside ms/step",16} {"outside",8}");

        // Process warm-up: the first Run of each graph (CUDA context, kernels, memory arena) on one document.
        DecodingOptions beamOptions = extractor.DecodingOptions;
        var generator = new Generator(model.Generating);
        long warmStart = Stopwatch.GetTimestamp();
        _ = generator.Generate(inputs[..1], WithLimits(beamOptions, beamOptions.NumBeams, Math.Max(1, warmupTokens)), default);
        report["process_warmup_seconds"] = Math.Round(Stopwatch.GetElapsedTime(warmStart).TotalSeconds, 3);

        var modes = new List<DecodingOptions> { beamOptions };
        if (greedy && beams > 1)
        {
            modes.Add(WithLimits(beamOptions, 1, beamOptions.MaxNewTokens));
        }

        var rows = (JsonArray)report["rows"]!;
        var secondsPerDocument = new Dictionary<int, double>();
        foreach (DecodingOptions options in modes)
        {
            double? lastPerDocument = null;
            foreach (int batch in batches)
            {
                double remaining = budgetSeconds > 0 ? budgetSeconds - clock.Elapsed.TotalSeconds : double.PositiveInfinity;

                // Estimate: the last row of this mode scaled linearly with the batch (pessimistic where batching
                // helps); greedy's first row: half the beam row's time at the same batch.
                double? estimate = lastPerDocument * batch
                    ?? (secondsPerDocument.TryGetValue(batch, out double beamPerDocument) ? 0.5 * beamPerDocument * batch : null);
                if (remaining <= 0 || (estimate is { } e && e > remaining))
                {
                    string reason = remaining <= 0
                        ? "skipped: the budget is spent"
                        : string.Create(CultureInfo.InvariantCulture, $"skipped: the budget has {remaining:F0} s left and this row would take about {estimate:F0} s");
                    rows.Add(new JsonObject { ["beams"] = options.NumBeams, ["batch"] = batch, ["status"] = "skipped", ["reason"] = reason });
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.NumBeams,5} {batch,5} {reason}"));
                    Save(jsonPath, report, clock);
                    continue;
                }

                JsonObject row;
                try
                {
                    row = MeasureRow(generator, options, inputs[..batch], warmupTokens, keepSequences);
                }
                catch (Exception error) when (error is OnnxRuntimeException or ModelLoadException or OutOfMemoryException)
                {
                    // Most likely out of (GPU) memory: larger batches of this search would fail too.
                    string reason = $"failed: {error.GetType().Name}: {error.Message.ReplaceLineEndings(" ")}";
                    rows.Add(new JsonObject { ["beams"] = options.NumBeams, ["batch"] = batch, ["status"] = "failed", ["reason"] = reason });
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.NumBeams,5} {batch,5} {reason}"));
                    Save(jsonPath, report, clock);
                    break;
                }

                rows.Add(row);
                double seconds = (double)row["seconds"]!;
                lastPerDocument = seconds / batch;
                if (options.NumBeams == beamOptions.NumBeams)
                {
                    secondsPerDocument[batch] = seconds / batch;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{options.NumBeams,5} {batch,5} {seconds,8:F2} {(double)row["docs_per_s"]!,8:F2} {(double)row["tokens_per_s"]!,9:F1} {(int)row["decoder_steps"]!,6} {(double)row["run_ms_per_step"]!,12:F2} {(double)row["outside_ms_per_step"]!,16:F2} {(double)row["outside_share"]!,8:P1}"));
                Save(jsonPath, report, clock);
            }
        }

        Save(jsonPath, report, clock);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"device table done in {clock.Elapsed.TotalSeconds:F0} s{(jsonPath is null ? string.Empty : $"; rows in {jsonPath}")}"));
        return 0;
    }

    /// <summary>Loads the model, or prints why the device cannot be used (the library names what ONNX Runtime failed to load) and returns null.</summary>
    private static DeviceTableModel? Load(string modelDirectory, SynthIEExtractorOptions options, string decoder, string binding, TextWriter output)
    {
        try
        {
            return DeviceTableModel.Load(modelDirectory, options, decoder, binding);
        }
        catch (ExecutionProviderUnavailableException error)
        {
            output.WriteLine($"device table: {options.Device} is unavailable: {error.Message}");
            return null;
        }
    }

    /// <summary>Decodes <paramref name="inputs"/> as one batch (after a short untimed warm-up at the same batch size) and returns the row.</summary>
    private static JsonObject MeasureRow(Generator generator, DecodingOptions options, int[][] inputs, int warmupTokens, bool keepSequences)
    {
        double warmupSeconds = 0;
        if (warmupTokens > 0)
        {
            // Grows the memory arena to this batch size, so the timed call does not pay for it (the KV cache keeps growing later).
            long warmStart = Stopwatch.GetTimestamp();
            _ = generator.Generate(inputs, WithLimits(options, options.NumBeams, warmupTokens), default);
            warmupSeconds = Stopwatch.GetElapsedTime(warmStart).TotalSeconds;
        }

        var statistics = new GenerationStatistics();
        long startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        IReadOnlyList<GeneratedSequence>[] results = generator.Generate(inputs, options, default, statistics);
        long endUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        double seconds = statistics.Total.TotalSeconds;
        double encoderMs = Stopwatch.GetElapsedTime(0, statistics.EncoderRunTicks).TotalMilliseconds;
        double decoderMs = Stopwatch.GetElapsedTime(0, statistics.DecoderRunTicks).TotalMilliseconds;
        double outsideMs = statistics.Total.TotalMilliseconds - encoderMs - decoderMs;
        int steps = Math.Max(1, statistics.DecoderSteps);
        var row = new JsonObject
        {
            ["beams"] = options.NumBeams,
            ["batch"] = inputs.Length,
            ["status"] = "ok",
            ["seconds"] = Math.Round(seconds, 4),
            ["docs_per_s"] = Math.Round(inputs.Length / seconds, 3),
            ["generated_tokens"] = statistics.GeneratedTokens,
            ["tokens_per_s"] = Math.Round(statistics.GeneratedTokens / seconds, 2),
            ["input_tokens"] = inputs.Sum(i => i.Length),
            ["decoder_steps"] = statistics.DecoderSteps,
            ["encoder_run_ms"] = Math.Round(encoderMs, 2),
            ["decoder_run_ms"] = Math.Round(decoderMs, 2),
            ["outside_ms"] = Math.Round(outsideMs, 2),
            ["run_ms_per_step"] = Math.Round(decoderMs / steps, 3),
            ["outside_ms_per_step"] = Math.Round(outsideMs / steps, 3),
            ["outside_share"] = Math.Round(statistics.OverheadShare, 5),
            ["warmup_seconds"] = Math.Round(warmupSeconds, 3),
            ["start_unix_ms"] = startUnixMs,
            ["end_unix_ms"] = endUnixMs,
        };
        if (keepSequences)
        {
            // The best candidate of each document without the decoder start token (EOS kept when it ended with one).
            row["sequences"] = new JsonArray([.. results.Select(r => (JsonNode?)new JsonArray([.. r[0].TokenIds.Skip(1).Select(t => (JsonNode?)t)]))]);
            row["scores"] = new JsonArray([.. results.Select(r => (JsonNode?)Math.Round(r[0].Score, 6))]);
        }

        return row;
    }

    /// <summary>The same decoding with another beam count (and as many returned sequences as fit) and token limit.</summary>
    internal static DecodingOptions WithLimits(DecodingOptions options, int beams, int maxNewTokens) => new()
    {
        NumBeams = beams,
        NumReturnSequences = Math.Min(options.NumReturnSequences, beams),
        LengthPenalty = options.LengthPenalty,
        MaxNewTokens = maxNewTokens,
        DecoderStartTokenId = options.DecoderStartTokenId,
        EosTokenId = options.EosTokenId,
        PadTokenId = options.PadTokenId,
        Constraint = options.Constraint,
    };

    private static void Save(string? path, JsonObject report, Stopwatch clock)
    {
        if (path is null)
        {
            return;
        }

        report["elapsed_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        File.WriteAllText(temporary, report.ToJsonString(Compact));
        File.Move(temporary, path, overwrite: true);
    }

    private static int[] ParseList(string text, string name)
    {
        int[] values = [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ArgumentException($"{name} takes positive integers separated by commas, not '{text}'."))];
        return values.Length > 0 ? values : throw new ArgumentException($"{name} is empty.");
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

using System.CommandLine;
using System.Diagnostics;


namespace SynthIE.Inference.Cli.Common;

/// <summary>The options that load a model and set decoding, shared by <c>extract</c> and <c>eval</c>.</summary>
internal sealed class ModelOptions
{
    /// <summary>The most beams (and returned sequences) accepted: the library's limit.</summary>
    public const int MaxBeams = SynthIEExtractorOptions.MaxNumBeams;

    /// <summary>The most tokens accepted for <c>--max-new-tokens</c> and <c>--max-input-tokens</c>: the library's limit.</summary>
    public const int MaxTokens = SynthIEExtractorOptions.MaxTokens;

    /// <summary>The most texts decoded together: the library's limit.</summary>
    public const int MaxBatchSize = SynthIEExtractorOptions.MaxBatchSizeLimit;

    /// <summary>The most ONNX Runtime threads per processor (<c>--threads</c> may be at most this times the processor count): the library's limit.</summary>
    public const int ThreadsPerProcessor = SynthIEExtractorOptions.MaxThreadsPerProcessor;

    public Option<string?> Model { get; } = CliOptions.Path("--model", "Model folder: optimum's ONNX files, config.json, the tokenizer (spiece.model or tokenizer.json) and synthie.json.", "DIR", "-m");

    public Option<string?> World { get; } = CliOptions.Path("--world", "World folder to constrain decoding to, instead of the one synthie.json names (SynthIE's layout or entities/relations files).", "DIR");

    public Option<bool> Unconstrained { get; } = CliOptions.Flag("--unconstrained", "Decode without the world's constraint (facts may name things outside the world).");

    public Option<string?> Linearization { get; } = CliOptions.OptionalChoice("--linearization", "How the model writes facts, instead of synthie.json's", "fully_expanded", "subject_collapsed", "fully_expanded_et");

    public Option<int?> Beams { get; } = CliOptions.Int("--beams", "Number of beams (1: greedy); default: synthie.json's, else 10.", 1, "N", "--num-beams");

    public Option<int?> ReturnSequences { get; } = CliOptions.Int("--return-sequences", "Outputs kept per text, best first (the rest are the alternatives); at most the beams; default min(3, beams).", 1, "N", "--num-return-sequences");

    public Option<double?> LengthPenalty { get; } = CliOptions.Double("--length-penalty", "Length penalty (score = sum of log-probabilities / length^penalty); default: synthie.json's, else 1.0.");

    public Option<int?> MaxNewTokens { get; } = CliOptions.Int("--max-new-tokens", "Most tokens generated per text; default: synthie.json's, else 256.", 1);

    public Option<int?> MaxInputTokens { get; } = CliOptions.Int("--max-input-tokens", "Longer texts are cut to this many tokens; default: synthie.json's, else 256.", 1);

    public Option<int> BatchSize { get; } = CliOptions.Int("--batch-size", "Texts decoded together.", 1, 8);

    public Option<string> Device { get; } = CliOptions.Choice("--device", "Where ONNX Runtime runs the model", "cpu", "cpu", "cuda");

    public Option<int> CudaDevice { get; } = CliOptions.Int("--cuda-device", "CUDA device ordinal (with --device cuda).", 0, 0);

    public Option<int?> CudaMemoryLimit { get; } = CliOptions.Int("--cuda-mem-limit", "Most GPU memory ONNX Runtime's CUDA arena may hold per session, in MiB (with --device cuda); default: no limit.", 1, "MIB");

    public Option<string> CudaArena { get; } = CliOptions.Choice("--cuda-arena", "How the CUDA arena grows (with --device cuda)", "power-of-two", "power-of-two", "as-requested");

    public Option<int> Threads { get; } = CliOptions.Int("--threads", "ONNX Runtime threads per operator (0: one per physical core).", 0, 0);

    public Option<bool> Quantized { get; } = CliOptions.Flag("--quantized", "Load the *_quantized.onnx files.");

    public Option<string?> TrieCache { get; } = CliOptions.Path("--trie-cache", "Folder for the world's trie cache files (default: .synthie-cache in the --world folder, or in the manifest's world folder when the model folder holds it, else in the model folder; never written through a symbolic link).", "DIR");

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[Model, World, Unconstrained, Linearization, Beams, ReturnSequences, LengthPenalty, MaxNewTokens, MaxInputTokens, BatchSize, Device, CudaDevice, CudaMemoryLimit, CudaArena, Threads, Quantized, TrieCache])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Returns the first option given on the command line that only matters when a model is run (all but --model and --linearization).</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The option's name, or <see langword="null"/>.</returns>
    public string? FirstRunOptionGiven(ParseResult parse)
    {
        foreach (Option option in (Option[])[World, Unconstrained, Beams, ReturnSequences, LengthPenalty, MaxNewTokens, MaxInputTokens, BatchSize, Device, CudaDevice, CudaMemoryLimit, CudaArena, Threads, Quantized, TrieCache])
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                return option.Name;
            }
        }

        return null;
    }

    /// <summary>Gets the number of texts decoded together.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The batch size.</returns>
    public int GetBatchSize(ParseResult parse) => parse.GetValue(BatchSize);

    /// <summary>Checks the options and loads the model.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="context">The command's context.</param>
    /// <returns>The extractor.</returns>
    /// <exception cref="CliException">The options contradict each other, or the model or world cannot be loaded.</exception>
    public SynthIEExtractor Load(ParseResult parse, CliContext context)
    {
        string modelPath = parse.GetValue(Model) ?? throw CliException.Usage("--model DIR is required.");
        string model = Path.GetFullPath(modelPath);
        if (!Directory.Exists(model))
        {
            throw new CliException(File.Exists(model) ? $"--model takes the model folder, not a file: {model}" : $"model folder not found: {model}");
        }

        int? beams = parse.GetValue(Beams);
        int? returned = parse.GetValue(ReturnSequences);
        Check(parse);
        if (beams is { } b && returned is { } r && r > b)
        {
            throw CliException.Usage($"--return-sequences ({r}) cannot exceed --beams ({b}).");
        }

        string? world = parse.GetValue(World);
        bool unconstrained = parse.GetValue(Unconstrained);

        if (world is not null && !Directory.Exists(world))
        {
            throw new CliException(File.Exists(world) ? $"--world takes a world folder, not a file: {Path.GetFullPath(world)}" : $"world folder not found: {Path.GetFullPath(world)}");
        }

        if (parse.GetValue(TrieCache) is { } trieCache && File.Exists(trieCache))
        {
            throw new CliException($"--trie-cache takes a folder, not a file: {Path.GetFullPath(trieCache)}");
        }

        if (returned is { } wanted && beams is null)
        {
            int defaultBeams = DefaultBeams(model);
            if (wanted > defaultBeams)
            {
                throw CliException.Usage($"--return-sequences ({wanted}) cannot exceed the number of beams, {defaultBeams} for this model (synthie.json's num_beams, else 10): lower --return-sequences or raise --beams.");
            }
        }

        var options = new SynthIEExtractorOptions
        {
            WorldDirectory = world is null ? null : Path.GetFullPath(world),
            Constrained = !unconstrained,
            Linearization = parse.GetValue(Linearization),
            NumBeams = beams,
            NumReturnSequences = returned,
            LengthPenalty = parse.GetValue(LengthPenalty),
            MaxNewTokens = parse.GetValue(MaxNewTokens),
            MaxInputTokens = parse.GetValue(MaxInputTokens),
            MaxBatchSize = parse.GetValue(BatchSize),
            Device = parse.GetValue(Device) == "cuda" ? ExecutionDevice.Cuda : ExecutionDevice.Cpu,
            CudaDeviceId = parse.GetValue(CudaDevice),
            CudaMemoryLimitBytes = parse.GetValue(CudaMemoryLimit) * (1L << 20),
            CudaArenaGrowsAsRequested = parse.GetValue(CudaArena) == "as-requested",
            IntraOpThreads = parse.GetValue(Threads),
            UseQuantizedModel = parse.GetValue(Quantized),
            TrieCacheDirectory = parse.GetValue(TrieCache) is { } cache ? Path.GetFullPath(cache) : null,
        };

        var clock = Stopwatch.StartNew();
        SynthIEExtractor extractor = LibraryErrors.Translate(() => SynthIEExtractor.Create(model, options));
        context.Status($"Loaded {extractor.Manifest.DisplayName ?? Path.GetFileName(model)} ({extractor.Linearization.Identifier}, {Formats.Count(extractor.NumBeams, "beam")}, length penalty {extractor.LengthPenalty}, {(extractor.IsConstrained ? $"constrained to {SafeText.Escape(extractor.World?.ToString())}" : "unconstrained")}, {options.Device.ToString().ToLowerInvariant()}) in {Formats.Duration(clock.Elapsed)}.");
        return extractor;
    }

    /// <summary>Computes the fingerprint of the loaded model with the options that change results (see <see cref="Extract.RunFingerprint"/>).</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="extractor">The loaded model.</param>
    /// <returns>The fingerprint.</returns>
    public string Fingerprint(ParseResult parse, SynthIEExtractor extractor) =>
        Extract.RunFingerprint.Compute(extractor, parse.GetValue(World) is { } world ? Path.GetFullPath(world) : null, parse.GetValue(Quantized));

    /// <summary>Checks the options that need no file: limits and options that exclude each other.</summary>
    /// <param name="parse">The parse result.</param>
    /// <exception cref="CliException">An option is above its limit, or two exclude each other (exit code 2).</exception>
    public void Check(ParseResult parse)
    {
        if (parse.GetValue(World) is not null && parse.GetValue(Unconstrained))
        {
            throw CliException.Usage("--world and --unconstrained exclude each other: --world constrains decoding to a world, --unconstrained drops the constraint.");
        }

        int processors = Environment.ProcessorCount;
        foreach ((Option<int?> option, int limit) in (ReadOnlySpan<(Option<int?>, int)>)[(Beams, MaxBeams), (ReturnSequences, MaxBeams), (MaxNewTokens, MaxTokens), (MaxInputTokens, MaxTokens)])
        {
            if (parse.GetValue(option) is int value && value > limit)
            {
                throw CliException.Usage($"{option.Name} ({value}) is above the limit of {Formats.Count(limit)}.");
            }
        }

        if (parse.GetValue(BatchSize) is int batch && batch > MaxBatchSize)
        {
            throw CliException.Usage($"--batch-size ({batch}) is above the limit of {Formats.Count(MaxBatchSize)}.");
        }

        int maxThreads = ThreadsPerProcessor * processors;
        if (parse.GetValue(Threads) is int threads && threads > maxThreads)
        {
            throw CliException.Usage($"--threads ({threads}) is above the limit of {Formats.Count(maxThreads)} ({ThreadsPerProcessor} per processor, {Formats.Count(processors, "processor")} here).");
        }
    }

    private static int DefaultBeams(string model)
    {
        string manifest = Path.Combine(model, SynthIEManifest.FileName);
        return File.Exists(manifest) ? LibraryErrors.Translate(() => SynthIEManifest.Load(manifest)).NumBeams : new SynthIEManifest().NumBeams;
    }
}

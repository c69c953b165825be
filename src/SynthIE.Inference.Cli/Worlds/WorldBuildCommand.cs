using System.CommandLine;
using System.Diagnostics;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Progress;

namespace SynthIE.Inference.Cli.Worlds;

/// <summary>
/// <c>synthie world build</c>: loads a world and builds its entity and relation tries into the cache folder that
/// <c>extract</c> reads (<c>.synthie-cache</c> in the world folder unless <c>--cache-dir</c>), so that the first
/// extraction does not pay for it. Prints what was loaded and built.
/// </summary>
internal sealed class WorldBuildCommand
{
    /// <summary>The cache folder's name inside a world folder (the extractor's default).</summary>
    public const string CacheFolderName = ".synthie-cache";

    private readonly Argument<string?> _world = new("world")
    {
        Description = "World folder: SynthIE's layout (constrained_worlds/<name>/ beside id2name_mappings/), one world inside it, or entities/relations files. Default: the world of --model.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _model = CliOptions.Path("--model", "Model folder: its tokenizer, linearization and (without a world argument) world are used.", "DIR", "-m");
    private readonly Option<string?> _tokenizer = CliOptions.Path("--tokenizer", "T5 tokenizer (spiece.model, tokenizer.json, or a folder with one) when no --model is given; default: the shared T5 tokenizer when found.", "PATH");
    private readonly Option<string?> _linearization = CliOptions.OptionalChoice("--linearization", "The model's linearization (checks its markers; default: the model's, else fully_expanded)", "fully_expanded", "subject_collapsed", "fully_expanded_et");
    private readonly Option<string?> _cacheDirectory = CliOptions.Path("--cache-dir", "Where the trie files go (default: where extract looks: .synthie-cache in the world folder when the model folder holds it, else in the model folder).", "DIR");
    private readonly Option<bool> _rebuild = CliOptions.Flag("--rebuild", "Build the tries again even when the cache files are current.");
    private readonly Option<bool> _noProgress = CliOptions.Flag("--no-progress", "No spinner: plain lines on standard error.");
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("build", "Build and cache a world's entity and relation tries (what constrained decoding reads).");
        command.Arguments.Add(_world);
        foreach (Option option in (Option[])[_model, _tokenizer, _linearization, _cacheDirectory, _rebuild, _noProgress, _quiet])
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Run(parse, context));
        return command;
    }

    private int Run(ParseResult parse, CliContext context)
    {
        context.Quiet = parse.GetValue(_quiet);
        ProgressStyle style = context.Quiet ? ProgressStyle.Off : parse.GetValue(_noProgress) ? ProgressStyle.Plain : ProgressStyle.Auto;
        string? modelPath = parse.GetValue(_model) is { } m ? Path.GetFullPath(m) : null;
        string? tokenizerPath = parse.GetValue(_tokenizer);
        if (modelPath is not null && tokenizerPath is not null)
        {
            throw CliException.Usage("give --model DIR or --tokenizer PATH, not both (the model's tokenizer is used).");
        }

        SynthIEManifest? manifest = null;
        if (modelPath is not null)
        {
            if (!Directory.Exists(modelPath))
            {
                throw new CliException($"model folder not found: {modelPath}");
            }

            string manifestPath = Path.Combine(modelPath, SynthIEManifest.FileName);
            manifest = File.Exists(manifestPath) ? SynthIEManifest.Load(manifestPath) : new SynthIEManifest();
        }

        string worldPath = parse.GetValue(_world) is { } w ? Path.GetFullPath(w)
            : manifest?.World is { } fromManifest ? Path.GetFullPath(Path.Combine(modelPath!, fromManifest))
            : throw CliException.Usage(modelPath is null
                ? "give the world folder (or --model DIR whose synthie.json names one)."
                : $"{Path.Combine(modelPath, SynthIEManifest.FileName)} names no world; give the world folder.");

        string linearizationName = parse.GetValue(_linearization) ?? manifest?.Linearization ?? "fully_expanded";
        Linearization linearization = Linearization.FromIdentifier(linearizationName);
        string tokenizerSource = modelPath ?? TokenizerSource.Resolve(tokenizerPath);
        T5Tokenizer tokenizer = modelPath is not null ? LoadModelTokenizer(modelPath) : TokenizerSource.Load(tokenizerSource);
        string? cacheDirectory = parse.GetValue(_cacheDirectory) is { } c ? Path.GetFullPath(c) : null;
        string? manifestModel = parse.GetValue(_world) is null ? modelPath : null;

        var clock = Stopwatch.StartNew();
        World world = ProgressRunner.Step(context, style, $"Loading the world in {worldPath}", () => World.Load(worldPath));
        TimeSpan loadTime = clock.Elapsed;
        clock.Restart();
        IReadOnlyList<TrieSummary> tries = ProgressRunner.Step(context, style, "Building the tries",
            () => world.BuildTrieCache(tokenizer, linearization, cacheDirectory, manifestModel, parse.GetValue(_rebuild)));
        TimeSpan buildTime = clock.Elapsed;
        if (tries[0].CacheNote is { } cacheNote)
        {
            context.Status($"Trie cache: {cacheNote}.");
        }

        TextWriter o = context.Out;
        o.WriteLine($"World: {worldPath} (loaded in {Formats.Duration(loadTime)})");
        o.WriteLine($"  entities:  {Formats.Count(world.Entities.LabelCount, "name")}, {Formats.Count(world.Entities.IdCount, "id")}, {Skipped(world.Entities.Report)}");
        o.WriteLine($"  relations: {Formats.Count(world.Relations.LabelCount, "name")}, {Formats.Count(world.Relations.IdCount, "id")}, {Skipped(world.Relations.Report)}");
        o.WriteLine($"Tokenizer: {tokenizer.SourceName} ({Formats.Count(tokenizer.VocabularySize, "id")}); linearization: {linearization.Identifier}");
        WriteTrie(o, "Entity trie", tries[0]);
        WriteTrie(o, "Relation trie", tries[1]);
        o.WriteLine(parse.GetValue(_cacheDirectory) is null
            ? $"Done in {Formats.Duration(buildTime)}; extract reads these files whenever it uses this world."
            : $"Done in {Formats.Duration(buildTime)}; pass --trie-cache {cacheDirectory} to extract to use these files.");
        o.Flush();
        return ExitCodes.Success;
    }

    private static string Skipped(WorldCatalogReport report) =>
        report.TotalSkipped == 0 ? "nothing skipped" : $"skipped while loading: {SafeText.Escape(report.ToString(), SafeText.MessageLimit)}";

    private static void WriteTrie(TextWriter o, string title, TrieSummary trie)
    {
        string how = trie.LoadedFromCache ? "cache file was current" : trie.RebuildReason is { } reason ? $"built ({reason})" : "built";
        string reasons = trie.SkippedNames > 0 ? $": {string.Join(", ", trie.SkippedByReason.Select(pair => $"{pair.Value} {pair.Key}"))}" : string.Empty;
        string skipped = reasons + (trie.SkippedExamples.Count > 0 ? $" (e.g. {string.Join(", ", trie.SkippedExamples.Take(3).Select(name => SafeText.Quote(name, 60)))})" : string.Empty);
        o.WriteLine($"{title}: {Formats.Count(trie.Names, "name")}, {Formats.Count(trie.SkippedNames)} skipped{skipped}, {Formats.Count(trie.Nodes, "node")}; {how}: {trie.CacheFile ?? "in memory"}");
    }

    private static T5Tokenizer LoadModelTokenizer(string modelPath)
    {
        try
        {
            return T5Tokenizer.FromDirectory(modelPath);
        }
        catch (FileNotFoundException error)
        {
            throw new CliException(error.Message, error);
        }
    }
}

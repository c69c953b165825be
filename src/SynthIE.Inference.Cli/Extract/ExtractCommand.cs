using System.CommandLine;
using System.Diagnostics;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Progress;
using SynthIE.Inference.Cli.Shards;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// <c>synthie extract</c>: runs the model on texts given as arguments or read from <c>--input</c>, writing one JSON line
/// per text (see README.md, "Output schema") to <c>--output</c> or standard output, in input order, each line flushed as
/// soon as its batch is done. Ctrl+C stops after the current batch (exit 130); <c>--resume</c> continues a partial file.
/// </summary>
internal sealed class ExtractCommand
{
    private readonly ModelOptions _model = new();
    private readonly Argument<string[]> _texts = new("texts")
    {
        Description = "Texts to extract facts from (or use --input).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _input = CliOptions.Path("--input", "Read texts from FILE (- for standard input): one text per line, or JSON Lines with \"text\" and optional \"id\".", "FILE", "-i");
    private readonly Option<string> _inputFormat = CliOptions.Choice("--input-format", "How --input is read; auto: JSON Lines for .jsonl/.ndjson/.json[.gz] names, text otherwise", "auto", "auto", "text", "jsonl");
    private readonly Option<string?> _output = CliOptions.Path("--output", "Write the JSON lines to FILE instead of standard output.", "FILE", "-o");
    private readonly Option<bool> _resume = CliOptions.Flag("--resume", "Continue an interrupted --output file: check its lines (id, text, fingerprint of the model and options) against this run, drop a partial last line, extract the rest.");
    private readonly Option<bool> _overwrite = CliOptions.Flag("--overwrite", "Replace an existing --output file.");
    private readonly Option<string?> _shard = CliOptions.Path("--shard", "Extract one shard of --input: I/N (document k goes to shard k mod N, from 0), or auto (Slurm array, Kubernetes Indexed Job or AWS Batch index); --output is then a template with {shard}, and an existing shard file is continued.", "I/N|auto");
    private readonly Option<int?> _shardCount = CliOptions.Int("--shard-count", "The number of shards, for --shard auto under Kubernetes or AWS Batch (their index variables do not say it).", 1, "N");
    private readonly Option<bool> _noProgress = CliOptions.Flag("--no-progress", "No live progress bar: plain progress lines on standard error.");
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("extract", "Extract Wikidata facts from texts; writes one JSON line per text (README.md, \"Output schema\").");
        command.Arguments.Add(_texts);
        foreach (Option option in (Option[])[_input, _inputFormat, _output, _resume, _overwrite, _shard, _shardCount])
        {
            command.Options.Add(option);
        }

        _model.AddTo(command);
        command.Options.Add(_noProgress);
        command.Options.Add(_quiet);
        command.SetAction(parse => Run(parse, context));
        return command;
    }

    private int Run(ParseResult parse, CliContext context)
    {
        string[] texts = parse.GetValue(_texts) ?? [];
        RejectUnknownOptions(parse);
        string? input = parse.GetValue(_input);
        if (texts.Length > 0 && input is not null)
        {
            throw CliException.Usage("give texts as arguments or with --input, not both.");
        }

        if (texts.Length == 0 && input is null)
        {
            throw CliException.Usage("nothing to extract: give texts as arguments or --input FILE (--input - reads standard input).");
        }

        string? output = parse.GetValue(_output) is { } o && o != "-" ? o : null;
        bool resume = parse.GetValue(_resume);
        bool overwrite = parse.GetValue(_overwrite);
        if (resume && output is null)
        {
            throw CliException.Usage("--resume continues an --output FILE; it needs one.");
        }

        if (resume && overwrite)
        {
            throw CliException.Usage("--resume and --overwrite exclude each other.");
        }

        _model.Check(parse);
        ShardSpec? shard = ReadShard(parse, texts.Length > 0, ref output, ref resume, overwrite);
        context.Quiet = parse.GetValue(_quiet);
        ProgressStyle style = context.Quiet ? ProgressStyle.Off : parse.GetValue(_noProgress) ? ProgressStyle.Plain : ProgressStyle.Auto;

        InputSource source = texts.Length > 0 ? InputSource.FromArguments(texts) : InputSource.FromFile(input!, parse.GetValue(_inputFormat)!, context.OpenStandardInput);
        OutputFile? file = output is null ? null : OutputFile.Prepare(output, resume, overwrite, source.FilePath);
        using ShardLock? shardLock = shard is { } owned && file is not null ? ShardLock.Acquire(file.Path, owned) : null;
        if (shard is { } announced)
        {
            context.Status($"Shard {announced} ({(announced.Source.Length > 0 ? announced.Source : "--shard")}): {file?.Path}.");
        }

        FinishedResults finished = file?.Finished ?? FinishedResults.None(string.Empty);
        if (file is null && context.OutIsTerminal && style == ProgressStyle.Auto)
        {
            style = ProgressStyle.Plain; // a live bar would be torn by the result lines on the same terminal
        }

        int batchSize = _model.GetBatchSize(parse);
        using var queue = new InputQueue(source, 2 * batchSize);
        try
        {
            queue.Prefetch(context.Cancellation); // a malformed line among the first fails before the model is loaded
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            return Interrupted(context, source, file, finished.Count);
        }

        if (queue.EndedEmpty)
        {
            // No texts: nothing to load the model for (the options were checked above).
            finished.VerifyInputCovers(0, source.Name);
            file?.Open().Dispose();
            string blank = source.BlankLineCount > 0 ? $" ({Formats.Count(source.BlankLineCount, "blank line")} skipped)" : string.Empty;
            context.Status($"No texts in {source.Name}{blank}.");
            return ExitCodes.Success;
        }

        using SynthIEExtractor extractor = _model.Load(parse, context);
        string fingerprint = _model.Fingerprint(parse, extractor);
        finished.VerifyFingerprint(fingerprint);

        long position = 0; // documents read from the input, this shard's or not
        // The lines already written must be the results of the first inputs: read once, each input is checked against its line.
        int done = 0;
        try
        {
            while (done < finished.Count)
            {
                InputDocument? document = TakeOwned(queue, shard, ref position, context.Cancellation);
                if (document is null)
                {
                    finished.VerifyInputCovers(done, source.Name);
                }

                finished.Verify(done, document!);
                done++;
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            return Interrupted(context, source, file, finished.Count);
        }

        if (resume && file is not null && (done > 0 || finished.PartialBytes > 0))
        {
            string partial = finished.PartialBytes > 0 ? $"; dropping its incomplete last line ({Formats.Count(finished.PartialBytes, "byte")})" : string.Empty;
            context.Status($"Resuming {file.Path}: {Formats.Count(done, "text")} already done{partial}.");
        }

        using ResultSink sink = file is null ? ResultSink.ToWriter(context.Out, fingerprint) : ResultSink.ToStream(file.Open, fingerprint);
        var totals = new ExtractionTotals();
        var clock = Stopwatch.StartNew();
        long? remaining = source.KnownCount - done;
        bool completed = ProgressRunner.Run(context, style, "extract", "texts", remaining, batchSize, counter =>
        {
            var batch = new List<InputDocument>(batchSize);
            while (true)
            {
                InputDocument? document;
                try
                {
                    document = TakeOwned(queue, shard, ref position, context.Cancellation);
                }
                catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
                {
                    return false;
                }
                catch (CliException) when (batch.Count > 0)
                {
                    // The input failed here (a truncated .gz, a malformed line): keep the results of the texts read before it.
                    RunBatch(extractor, batch, sink, totals, counter, context.Cancellation);
                    throw;
                }

                if (document is null)
                {
                    break;
                }

                batch.Add(document);
                if (batch.Count == batchSize && !RunBatch(extractor, batch, sink, totals, counter, context.Cancellation))
                {
                    return false;
                }
            }

            return RunBatch(extractor, batch, sink, totals, counter, context.Cancellation);
        });

        if (source.BlankLineCount > 0)
        {
            context.Status($"Skipped {Formats.Count(source.BlankLineCount, "blank line")} in {source.Name}.");
        }

        string target = file?.Path ?? "standard output";
        if (!completed)
        {
            return Interrupted(context, source, file, done + sink.LinesWritten);
        }

        sink.Complete();
        if (sink.LinesWritten == 0)
        {
            context.Status(done == 0 ? $"No texts in {source.Name}." : $"Nothing to do: all {Formats.Count(done, "text")} are in {file?.Path}.");
            return ExitCodes.Success;
        }

        double rate = sink.LinesWritten / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        context.Status($"Extracted {Formats.Count(sink.LinesWritten, "text")} in {Formats.Duration(clock.Elapsed)} ({Formats.Rate(rate)} texts/s): {Formats.Count(totals.Facts, "fact")}, {Formats.Count(totals.Unclean, "output")} not parsed cleanly, {Formats.Count(totals.Truncated, "input")} truncated; written to {target}.");
        return ExitCodes.Success;
    }

    /// <summary>Takes the next input document of the shard (every document without one), skipping the others' documents.</summary>
    private static InputDocument? TakeOwned(InputQueue queue, ShardSpec? shard, ref long position, CancellationToken stop)
    {
        while (queue.Take(stop) is { } document)
        {
            if (shard is not { } owner || owner.Owns(position++))
            {
                return document;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads <c>--shard</c>: the shard's output path comes from the <c>--output</c> template, and an existing shard file
    /// is continued (as with <c>--resume</c>) unless <c>--overwrite</c> is given, so a retried task picks up its own shard.
    /// </summary>
    private ShardSpec? ReadShard(ParseResult parse, bool textsAsArguments, ref string? output, ref bool resume, bool overwrite)
    {
        string? value = parse.GetValue(_shard);
        int? count = parse.GetValue(_shardCount);
        if (value is null)
        {
            return count is null ? null : throw CliException.Usage("--shard-count goes with --shard auto (or --shard I/N).");
        }

        if (textsAsArguments)
        {
            throw CliException.Usage("--shard splits an --input file; texts given as arguments are not split.");
        }

        if (output is null)
        {
            throw CliException.Usage("--shard needs --output with a {shard} placeholder, e.g. --output out/facts-{shard:05}.jsonl: each shard writes its own file.");
        }

        ShardSpec shard = ShardSpec.Parse(value, count, Environment.GetEnvironmentVariable);
        output = shard.FormatPath(output);
        resume |= !overwrite;
        return shard;
    }

    /// <summary>Reports a stop request: how many texts the output holds, and how to continue.</summary>
    private static int Interrupted(CliContext context, InputSource source, OutputFile? file, int written)
    {
        string advice = file is null ? string.Empty : "; run the same command with --resume to continue";
        string of = source.KnownCount is int count ? $" of {Formats.Count(count, "text")}" : written == 1 ? " text" : " texts";
        context.Error.WriteLine($"synthie extract: interrupted: {Formats.Count(written)}{of} written to {file?.Path ?? "standard output"}{advice}.");
        return ExitCodes.Interrupted;
    }

    /// <summary>
    /// Fails on an argument that looks like an option (<c>--beam</c> for <c>--beams</c>) rather than taking it as a text:
    /// texts that start with <c>-</c> go after <c>--</c>.
    /// </summary>
    private static void RejectUnknownOptions(ParseResult parse)
    {
        foreach (System.CommandLine.Parsing.Token token in parse.Tokens)
        {
            if (token.Type == System.CommandLine.Parsing.TokenType.DoubleDash)
            {
                return;
            }

            string value = token.Value;
            if (token.Type == System.CommandLine.Parsing.TokenType.Argument && value.Length > 1 && value[0] == '-' && (value[1] == '-' || char.IsAsciiLetter(value[1])))
            {
                throw CliException.Usage($"unknown option '{value}' (a text that starts with '-' goes after --).");
            }
        }
    }

    /// <summary>Extracts one batch and writes its lines, unless a stop was requested before it started.</summary>
    /// <returns>Whether the batch ran (false: stop requested).</returns>
    private static bool RunBatch(SynthIEExtractor extractor, List<InputDocument> batch, ResultSink sink, ExtractionTotals totals, IProgressCounter counter, CancellationToken stop)
    {
        if (batch.Count == 0)
        {
            return true;
        }

        if (stop.IsCancellationRequested)
        {
            return false;
        }

        // The stop request is not passed on: the batch runs to its end, so every text read is written.
        IReadOnlyList<ExtractionResult> results = extractor.ExtractBatch([.. batch.Select(document => document.Text)], CancellationToken.None);
        for (int i = 0; i < batch.Count; i++)
        {
            sink.Write(batch[i].Id, results[i]);
            totals.Add(results[i]);
        }

        counter.Add(batch.Count);
        batch.Clear();
        return true;
    }
}

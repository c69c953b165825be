using System.CommandLine;
using System.Diagnostics;
using System.Text;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Extract;
using SynthIE.Inference.Cli.Progress;
using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Cli.Eval;

/// <summary>
/// <c>synthie eval</c>: scores predictions against gold JSON Lines (SynthIE's or REBEL's layout) exactly as SynthIE's
/// <c>run_process_predictions.py</c> does (micro and macro precision, recall and F1 over triplet sets, by the library's
/// <see cref="TripletEvaluator"/>), with a per-relation table and the number of outputs that did not parse. The
/// predictions come from a file (<c>--predictions</c>) or from running a model on the gold texts (<c>--model</c>).
/// </summary>
internal sealed class EvalCommand
{
    private readonly ModelOptions _model = new();
    private readonly Option<string?> _gold = CliOptions.Path("--gold", "Gold documents, JSON Lines (.jsonl or .jsonl.gz) in SynthIE's layout (id, text, triplets) or REBEL's (docid, text, triples).", "FILE", "-g");
    private readonly Option<string> _goldFormat = CliOptions.Choice("--gold-format", "Gold layout; auto tells it from the first line", "auto", "auto", "synthie", "rebel");
    private readonly Option<string?> _predictions = CliOptions.Path("--predictions", "Predictions, JSON Lines: synthie extract's output (facts), or linearized text in \"raw_output\" or SynthIE's \"prediction\" (raw; needs --linearization).", "FILE", "-p");
    private readonly Option<string> _predictionsFormat = CliOptions.Choice("--predictions-format", "Predictions layout; auto tells it from the first line", "auto", "auto", "facts", "raw");
    private readonly Option<string> _missing = CliOptions.Choice("--missing", "Gold documents without prediction: scored as empty, left out of the scores (exclude: SynthIE's behaviour), or an error", "empty", "empty", "exclude", "fail");
    private readonly Option<int?> _limit = CliOptions.Int("--limit", "Evaluate only the first N gold documents.", 1);
    private readonly Option<string?> _output = CliOptions.Path("--output", "With --model: also write the predictions as synthie extract's JSON lines to FILE.", "FILE", "-o");
    private readonly Option<bool> _overwrite = CliOptions.Flag("--overwrite", "Replace an existing --output file.");
    private readonly Option<string> _format = CliOptions.Choice("--format", "Report format on standard output", "text", "text", "json");
    private readonly Option<int?> _top = CliOptions.Int("--top", "Print only the N relations with the most gold triplets (default: all).", 0);
    private readonly Option<bool> _noProgress = CliOptions.Flag("--no-progress", "No live progress bar: plain progress lines on standard error.");
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("eval", "Score predictions against gold facts (micro and macro P/R/F1 as SynthIE computes them, per-relation table).");
        foreach (Option option in (Option[])[_gold, _goldFormat, _predictions, _predictionsFormat, _missing, _limit, _format, _top, _output, _overwrite])
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
        string goldPath = parse.GetValue(_gold) is { } g ? Path.GetFullPath(g) : throw CliException.Usage("--gold FILE is required.");
        string? predictionsPath = parse.GetValue(_predictions) is { } p ? Path.GetFullPath(p) : null;
        string? modelPath = parse.GetValue(_model.Model);
        if (predictionsPath is null && modelPath is null)
        {
            throw CliException.Usage("give the predictions: --predictions FILE, or --model DIR to run a model on the gold texts.");
        }

        if (predictionsPath is not null && modelPath is not null)
        {
            throw CliException.Usage("give --predictions FILE or --model DIR, not both.");
        }

        if (predictionsPath is not null && _model.FirstRunOptionGiven(parse) is { } runOption)
        {
            throw CliException.Usage($"{runOption} sets how the model runs; with --predictions no model is run.");
        }

        if (parse.GetValue(_output) is not null && predictionsPath is not null)
        {
            throw CliException.Usage("--output writes the predictions made with --model; with --predictions there is nothing to write.");
        }

        context.Quiet = parse.GetValue(_quiet);
        ProgressStyle style = context.Quiet ? ProgressStyle.Off : parse.GetValue(_noProgress) ? ProgressStyle.Plain : ProgressStyle.Auto;
        RequireFile(goldPath, "gold file");
        GoldFormat? goldFormat = parse.GetValue(_goldFormat) switch
        {
            "synthie" => GoldFormat.SynthIE,
            "rebel" => GoldFormat.Rebel,
            _ => null,
        };
        GoldDataset gold = GoldReader.Read(goldPath, goldFormat);
        if (gold.Documents.Count == 0)
        {
            throw new CliException($"{goldPath}: the gold file has no documents (no non-blank line); nothing to evaluate against.");
        }

        int limit = parse.GetValue(_limit) ?? int.MaxValue;
        List<GoldDocument> documents = [.. gold.Documents.Take(limit)];
        var options = new EvaluationOptions
        {
            MissingPredictions = parse.GetValue(_missing) switch
            {
                "exclude" => MissingPredictionPolicy.Exclude,
                "fail" => MissingPredictionPolicy.Fail,
                _ => MissingPredictionPolicy.CountAsEmpty,
            },
        };

        string kind;
        string source;
        IReadOnlyList<DocumentPrediction> predictions;
        if (predictionsPath is not null)
        {
            RequireFile(predictionsPath, "predictions file");
            kind = parse.GetValue(_predictionsFormat) is "auto" ? Predictions.DetectKind(predictionsPath) : parse.GetValue(_predictionsFormat)!;
            source = predictionsPath;
            PredictionFile file = kind == "facts"
                ? PredictionReader.Read(predictionsPath)
                : PredictionReader.Read(predictionsPath, Predictions.RawParser(RawLinearization(parse)));
            predictions = file.Predictions;
            if (documents.Count < gold.Documents.Count)
            {
                var kept = new HashSet<string>(documents.Select(document => document.Id), StringComparer.Ordinal);
                predictions = [.. predictions.Where(prediction => kept.Contains(prediction.Id))];
            }
        }
        else
        {
            kind = "model";
            source = Path.GetFullPath(modelPath!);
            List<DocumentPrediction>? made = RunModel(parse, context, style, documents);
            if (made is null)
            {
                return ExitCodes.Interrupted;
            }

            predictions = made;
        }

        EvaluationReport report = TripletEvaluator.Evaluate(documents, predictions, options);
        if (parse.GetValue(_format) == "json")
        {
            context.Out.WriteLine(EvalReportJson.Format(report, gold, documents.Count, source, kind));
        }
        else
        {
            context.Out.Write(SafeText.KeepLines(FormatText(report, gold, documents.Count, source, kind, parse.GetValue(_top))));
        }

        context.Out.Flush();
        return ExitCodes.Success;
    }

    private List<DocumentPrediction>? RunModel(ParseResult parse, CliContext context, ProgressStyle style, List<GoldDocument> documents)
    {
        OutputFile? file = parse.GetValue(_output) is { } output ? OutputFile.Prepare(output, resume: false, parse.GetValue(_overwrite), null) : null;
        using SynthIEExtractor extractor = _model.Load(parse, context);
        int batchSize = _model.GetBatchSize(parse);
        using ResultSink? sink = file is null ? null : ResultSink.ToStream(file.Open, _model.Fingerprint(parse, extractor));
        var predictions = new List<DocumentPrediction>(documents.Count);
        var clock = Stopwatch.StartNew();
        bool finished = ProgressRunner.Run(context, style, "eval", "texts", documents.Count, batchSize, counter =>
        {
            for (int start = 0; start < documents.Count; start += batchSize)
            {
                if (context.Cancellation.IsCancellationRequested)
                {
                    return false;
                }

                List<GoldDocument> batch = documents.GetRange(start, Math.Min(batchSize, documents.Count - start));
                IReadOnlyList<ExtractionResult> results = extractor.ExtractBatch([.. batch.Select(document => document.Text)], CancellationToken.None);
                for (int i = 0; i < batch.Count; i++)
                {
                    predictions.Add(Predictions.FromResult(batch[i].Id, results[i]));
                    sink?.Write(DocumentId.FromGold(batch[i].Id), results[i]);
                }

                counter.Add(batch.Count);
            }

            sink?.Complete();
            return true;
        });

        if (!finished)
        {
            string written = file is null ? string.Empty : $"; {Formats.Count(predictions.Count, "prediction")} written to {file.Path}";
            context.Error.WriteLine($"synthie eval: interrupted after {Formats.Count(predictions.Count)} of {Formats.Count(documents.Count, "document")}{written}; no scores.");
            return null;
        }

        context.Status($"Ran the model on {Formats.Count(documents.Count, "document")} in {Formats.Duration(clock.Elapsed)}{(file is null ? string.Empty : $"; predictions written to {file.Path}")}.");
        return predictions;
    }

    private Linearization RawLinearization(ParseResult parse) =>
        parse.GetValue(_model.Linearization) is { } given
            ? Linearization.FromIdentifier(given)
            : throw CliException.Usage("linearized predictions are parsed with the model's linearization: pass --linearization (fully_expanded, subject_collapsed or fully_expanded_et).");

    private static string FormatText(EvaluationReport report, GoldDataset gold, int documentsUsed, string source, string kind, int? top)
    {
        var text = new StringBuilder();
        string used = documentsUsed < gold.Documents.Count ? $", the first {Formats.Count(documentsUsed)} used" : string.Empty;
        text.Append($"Gold: {gold.FilePath} ({(gold.Format == GoldFormat.Rebel ? "REBEL" : "SynthIE")} layout, {Formats.Count(gold.Documents.Count, "document")}{used})\n");
        text.Append(kind == "model" ? $"Predictions: made by the model in {source}\n" : $"Predictions: {source} ({(kind == "facts" ? "facts" : "linearized text")})\n");
        if (gold.Format == GoldFormat.Rebel)
        {
            text.Append("Note: REBEL's raw surface forms are mentions in the text, not Wikidata names, so these scores are not comparable with the SynthIE paper's REBEL numbers.\n");
        }

        text.Append('\n').Append(EvaluationReportText.Format(report, top));
        AppendIds(text, "Documents whose output did not parse cleanly", report.UnparsableDocumentIds);
        AppendIds(text, report.MissingPredictionPolicy == MissingPredictionPolicy.Exclude ? "Documents without prediction (excluded)" : "Documents without prediction (scored as empty)", report.MissingPredictionIds);
        return text.ToString();
    }

    private static void AppendIds(StringBuilder text, string title, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        const int Shown = 20;
        string more = ids.Count > Shown ? ", ..." : string.Empty;
        text.Append($"\n{title} ({Formats.Count(ids.Count)}): {string.Join(", ", ids.Take(Shown))}{more}\n");
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new CliException(Directory.Exists(path) ? $"the {what} is a folder, not a file: {path}" : $"{what} not found: {path}");
        }
    }
}

using System.CommandLine;
using System.Globalization;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Extract;

namespace SynthIE.Inference.Cli.Shards;

/// <summary>
/// <c>synthie merge</c>: checks the shard files of a sharded <c>synthie extract</c> against the input (each document's
/// line in its shard: same id, same text, one fingerprint for all) and writes them as one file in input order, the same
/// bytes a single-process run writes. Missing shard files, documents without a line and lines beyond the input are
/// reported; the merged file is written under a temporary name and renamed only when everything matched.
/// </summary>
internal sealed class MergeCommand
{
    private const int ListedAtMost = 5;
    private const string Advice = "run that shard again with --overwrite";

    private readonly Option<string?> _input = CliOptions.Path("--input", "The input the shards were extracted from (the same file, - for standard input).", "FILE", "-i");
    private readonly Option<string> _inputFormat = CliOptions.Choice("--input-format", "How --input is read, as for extract", "auto", "auto", "text", "jsonl");
    private readonly Option<string?> _shards = CliOptions.Path("--shards", "The shard files: extract's --output template, with {shard} or {shard:05}.", "TEMPLATE");
    private readonly Option<int?> _shardCount = CliOptions.Int("--shard-count", "The number of shards.", 1, "N");
    private readonly Option<string?> _output = CliOptions.Path("--output", "The merged file.", "FILE", "-o");
    private readonly Option<bool> _overwrite = CliOptions.Flag("--overwrite", "Replace an existing --output file.");
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("merge", "Check the shard files of a sharded extract against the input and write them as one file in input order.");
        foreach (Option option in (Option[])[_input, _inputFormat, _shards, _shardCount, _output, _overwrite, _quiet])
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Run(parse, context));
        return command;
    }

    private int Run(ParseResult parse, CliContext context)
    {
        string input = parse.GetValue(_input) ?? throw CliException.Usage("--input FILE is required: the input the shards were extracted from.");
        string template = parse.GetValue(_shards) ?? throw CliException.Usage("--shards TEMPLATE is required: extract's --output template, e.g. out/facts-{shard:05}.jsonl.");
        int count = parse.GetValue(_shardCount) ?? throw CliException.Usage("--shard-count N is required: the number of shards.");
        if (count > ShardSpec.MaxCount)
        {
            throw CliException.Usage($"--shard-count must be at most {Formats.Count(ShardSpec.MaxCount)}, not {Formats.Count(count)}.");
        }

        string output = Path.GetFullPath(parse.GetValue(_output) ?? throw CliException.Usage("--output FILE is required: the merged file."));
        context.Quiet = parse.GetValue(_quiet);
        if (Directory.Exists(output))
        {
            throw new CliException($"{output} is a folder; --output takes a file path.");
        }

        if (File.Exists(output) && !parse.GetValue(_overwrite))
        {
            throw new CliException($"{output} already exists: pass --overwrite to replace it.");
        }

        string[] paths = [.. Enumerable.Range(0, count).Select(i => Path.GetFullPath(new ShardSpec(i, count).FormatPath(template)))];
        string[] missing = [.. paths.Where(path => !File.Exists(path))];
        if (missing.Length > 0)
        {
            throw new CliException($"{Formats.Count(missing.Length, "shard file")} of {count} missing: {List(missing)}; run those shards first.");
        }

        if (paths.Contains(output, StringComparer.Ordinal))
        {
            throw CliException.Usage($"--output {output} is one of the shard files; write the merged file elsewhere.");
        }

        InputSource source = InputSource.FromFile(input, parse.GetValue(_inputFormat)!, context.OpenStandardInput);
        string temporary = Path.Combine(Path.GetDirectoryName(output) ?? ".", $".{Path.GetFileName(output)}.merging-{Environment.ProcessId}");
        var readers = new CompleteLineReader[count];
        bool merged = false;
        try
        {
            for (int i = 0; i < count; i++)
            {
                readers[i] = CompleteLineReader.Open(paths[i]);
            }

            MergeTotals totals = Merge(source, readers, temporary, context.Cancellation);
            string? problem = Describe(totals, readers, source.Name);
            if (problem is not null)
            {
                throw new CliException(problem);
            }

            File.Move(temporary, output, overwrite: true);
            merged = true;
            context.Status($"Merged {Formats.Count(totals.Lines, "line")} from {Formats.Count(count, "shard")} into {output}.");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine($"synthie merge: interrupted; {output} was not written.");
            return ExitCodes.Interrupted;
        }
        finally
        {
            foreach (CompleteLineReader? reader in readers)
            {
                reader?.Dispose();
            }

            if (!merged)
            {
                File.Delete(temporary);
            }
        }
    }

    private static MergeTotals Merge(InputSource source, CompleteLineReader[] readers, string temporary, CancellationToken stop)
    {
        var totals = new MergeTotals(readers.Length);
        string? fingerprint = null;
        string? fingerprintPlace = null;
        using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        long position = 0;
        foreach (InputDocument document in source.Read())
        {
            stop.ThrowIfCancellationRequested();
            int shard = ShardSpec.OwnerOf(position++, readers.Length);
            CompleteLineReader reader = readers[shard];
            if (totals.Missing[shard] > 0 || reader.Next() is not { } line)
            {
                totals.AddMissing(shard, document);
                continue;
            }

            string where = ResultLineKey.Where(reader.Path, reader.LineNumber);
            ResultLineKey key = ResultLineKey.Parse(where, line, "this shard file was not written by synthie extract; " + Advice + ".");
            ResultLineKey.VerifyDocument(where, key.Id, key.TextHash, document, Advice);
            if (fingerprint is null)
            {
                (fingerprint, fingerprintPlace) = (key.Fingerprint, where);
            }
            else if (!string.Equals(fingerprint, key.Fingerprint, StringComparison.Ordinal))
            {
                throw new CliException($"{where}: written with another model or other decoding options than {fingerprintPlace} (fingerprint {SafeText.Escape(key.Fingerprint)}, not {fingerprint}): shards of one run must share them; {Advice} and the first run's options.");
            }

            file.Write(line.Span);
            file.WriteByte((byte)'\n');
            totals.Lines++;
        }

        file.Flush(flushToDisk: true);
        return totals;
    }

    private static string? Describe(MergeTotals totals, CompleteLineReader[] readers, string inputName)
    {
        var problems = new List<string>();
        int[] incomplete = [.. Enumerable.Range(0, readers.Length).Where(i => totals.Missing[i] > 0)];
        if (incomplete.Length > 0)
        {
            long documents = incomplete.Sum(i => (long)totals.Missing[i]);
            IEnumerable<string> shards = incomplete.Take(ListedAtMost).Select(i =>
                string.Create(CultureInfo.InvariantCulture, $"shard {i} ({readers[i].Path}: {Formats.Count(totals.Missing[i], "document")} missing from {totals.FirstMissing[i]}{(readers[i].PartialBytes > 0 ? ", its last line incomplete" : string.Empty)})"));
            problems.Add($"{Formats.Count(documents, "document")} of {inputName} have no line yet in {Formats.Count(incomplete.Length, "shard")}: {string.Join("; ", shards)}{More(incomplete.Length)}; run those shards again (they continue where they stopped)");
        }

        var extra = new List<string>();
        for (int i = 0; i < readers.Length; i++)
        {
            if (totals.Missing[i] == 0 && readers[i].Next() is not null)
            {
                extra.Add(ResultLineKey.Where(readers[i].Path, readers[i].LineNumber));
            }
        }

        if (extra.Count > 0)
        {
            problems.Add($"{Formats.Count(extra.Count, "shard file")} have lines beyond {inputName}'s documents, from {List(extra)}: they were written from another input or another --shard-count");
        }

        return problems.Count == 0 ? null : "nothing merged: " + string.Join(". ", problems) + ".";
    }

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(ListedAtMost).Select(item => SafeText.Escape(item))) + More(items.Count);

    private static string More(int count) => count > ListedAtMost ? $" and {Formats.Count(count - ListedAtMost, "more")}" : string.Empty;
}

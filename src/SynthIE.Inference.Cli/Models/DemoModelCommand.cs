using System.CommandLine;
using System.Diagnostics;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Progress;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Cli.Models;

/// <summary>
/// <c>synthie models demo</c>: writes the demo model folder (optimum-layout ONNX files and config.json generated from
/// the tool's trained demo weights by the project's own ONNX writer, the T5 tokenizer, synthie.json and the demo world)
/// that <c>extract</c> and <see cref="SynthIEExtractor.Create(string, SynthIEExtractorOptions?)"/> load like any exported model.
/// </summary>
internal sealed class DemoModelCommand
{
    private readonly Option<string?> _output = ModelFolderFiles.OutputOption();
    private readonly Option<string?> _weights = CliOptions.Path("--weights", "A weights file written by models/demo/train.py (default: the tool's own demo weights).", "FILE");
    private readonly Option<string?> _tokenizer = ModelFolderFiles.TokenizerOption();
    private readonly Option<bool> _overwrite = ModelFolderFiles.OverwriteOption();
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("demo", "Write the demo model: a small T5 trained here on templated sentences about the demo world (not SynthIE).");
        foreach (Option option in (Option[])[_output, _weights, _tokenizer, _overwrite, _quiet])
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Run(parse, context));
        return command;
    }

    private int Run(ParseResult parse, CliContext context)
    {
        context.Quiet = parse.GetValue(_quiet);
        string output = parse.GetValue(_output) is { } o ? Path.GetFullPath(o) : throw CliException.Usage("--output DIR is required.");
        ModelFolderFiles.CheckOutput(output, parse.GetValue(_overwrite));
        (string tokenizerPath, T5Tokenizer tokenizer) = ModelFolderFiles.LoadTokenizer(parse.GetValue(_tokenizer), "demo model");

        T5TrainedWeights weights;
        string? weightsPath = parse.GetValue(_weights) is { } w ? Path.GetFullPath(w) : null;
        try
        {
            weights = weightsPath is null ? DemoModel.LoadEmbedded() : T5TrainedWeights.Load(weightsPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the demo weights: {e.Message}");
        }

        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(output);
        ProgressRunner.Step(context, context.Quiet ? ProgressStyle.Off : ProgressStyle.Auto, "Writing the demo model's ONNX files", () => T5TestModel.Write(output, weights));
        string copiedTokenizer = ModelFolderFiles.CopyTokenizer(tokenizerPath, output);
        string world = Path.Combine(output, "world");
        if (Directory.Exists(world))
        {
            Directory.Delete(world, recursive: true);
        }

        DemoWorld.WriteTo(world);
        new SynthIEManifest
        {
            Name = DemoModel.ManifestName,
            Linearization = "subject_collapsed",
            LengthPenalty = 1.0,
            NumBeams = 5,
            MaxNewTokens = 160,
            World = "world",
        }.Save(Path.Combine(output, SynthIEManifest.FileName));

        long bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        TextWriter writer = context.Out;
        writer.WriteLine($"Wrote the demo model to {output} ({Formats.Count(bytes / 1024, "KiB", "KiB")}, in {Formats.Duration(clock.Elapsed)}) from {weightsPath ?? "the tool's demo weights"}:");
        writer.WriteLine($"  ONNX files and config.json (optimum's layout; d_model {weights.Options.DModel}, {weights.Options.NumLayers}+{weights.Options.NumDecoderLayers} layers), {copiedTokenizer}, {SynthIEManifest.FileName} (subject_collapsed), world/ (the demo world).");
        writer.WriteLine("It is a small T5 trained in this repository on templated sentences about the demo world's entities, not SynthIE: it extracts their facts from similar sentences only.");
        writer.Flush();
        return ExitCodes.Success;
    }
}

using System.CommandLine;
using System.Diagnostics;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Progress;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Cli.Models;

/// <summary>
/// <c>synthie models make-test</c>: writes a generated T5 model (seeded random weights in optimum's ONNX layout) with
/// the T5 tokenizer, a <c>synthie.json</c> and optionally a world, i.e. a model folder that <c>extract</c> loads. Its
/// facts are meaningless; it exists to try and test the pipeline without downloading a real model.
/// </summary>
internal sealed class MakeTestModelCommand
{
    private readonly Option<string?> _output = ModelFolderFiles.OutputOption();
    private readonly Option<string> _preset = CliOptions.Choice("--preset", "Model shape: tiny (d_model 32, 2+2 layers, ~30 MB), base (flan-t5-base, ~1 GB), large (flan-t5-large, ~3 GB)", "tiny", "tiny", "base", "large");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "Seed of the weights (the same options give the same files).", 0, 1);
    private readonly Option<string?> _tokenizer = ModelFolderFiles.TokenizerOption();
    private readonly Option<string> _linearization = CliOptions.Choice("--linearization", "The linearization written to synthie.json", "fully_expanded", "fully_expanded", "subject_collapsed", "fully_expanded_et");
    private readonly Option<double?> _lengthPenalty = CliOptions.Double("--length-penalty", "Length penalty written to synthie.json (default 1.0).");
    private readonly Option<string?> _world = CliOptions.Path("--world", "World folder to copy into the model (as world/, named in synthie.json).", "DIR");
    private readonly Option<bool> _demoWorld = CliOptions.Flag("--demo-world", "Copy the tool's demo world (about 480 entities, 30 relations) into the model.");
    private readonly Option<string?> _name = CliOptions.Path("--name", "Model name written to synthie.json.", "NAME");
    private readonly Option<bool> _overwrite = ModelFolderFiles.OverwriteOption();
    private readonly Option<bool> _quiet = CliOptions.Quiet();

    /// <summary>Builds the command.</summary>
    /// <param name="context">The context the action runs with.</param>
    /// <returns>The command.</returns>
    public Command Build(CliContext context)
    {
        var command = new Command("make-test", "Write a generated test model (random weights: its facts are meaningless) that extract can load.");
        foreach (Option option in (Option[])[_output, _preset, _seed, _tokenizer, _linearization, _lengthPenalty, _world, _demoWorld, _name, _overwrite, _quiet])
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
        string? world = parse.GetValue(_world) is { } w ? Path.GetFullPath(w) : null;
        bool demoWorld = parse.GetValue(_demoWorld);
        if (world is not null && demoWorld)
        {
            throw CliException.Usage("--world and --demo-world exclude each other.");
        }

        ModelFolderFiles.CheckOutput(output, parse.GetValue(_overwrite));
        (string tokenizerPath, T5Tokenizer tokenizer) = ModelFolderFiles.LoadTokenizer(parse.GetValue(_tokenizer), "test model");

        if (world is not null)
        {
            // Fails now, with the world's own message, rather than when the model is loaded.
            World.Load(world);
        }

        string preset = parse.GetValue(_preset)!;
        T5TestModelOptions options = (preset switch
        {
            "base" => T5TestModelOptions.FlanT5Base,
            "large" => T5TestModelOptions.FlanT5Large,
            _ => T5TestModelOptions.Tiny,
        }) with { Seed = parse.GetValue(_seed) };

        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(output);
        ProgressRunner.Step(context, context.Quiet ? ProgressStyle.Off : ProgressStyle.Auto, $"Writing the {preset} model's ONNX files", () => T5TestModel.Write(output, options));
        string copiedTokenizer = ModelFolderFiles.CopyTokenizer(tokenizerPath, output);
        string? worldFolder = null;
        if (world is not null || demoWorld)
        {
            worldFolder = "world";
            string target = Path.Combine(output, worldFolder);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            if (world is not null)
            {
                CopyWorld(world, target);
            }
            else
            {
                DemoWorld.WriteTo(target);
            }
        }

        new SynthIEManifest
        {
            Name = parse.GetValue(_name) ?? $"generated-test-model-{preset}-seed{parse.GetValue(_seed)}",
            Linearization = parse.GetValue(_linearization)!,
            LengthPenalty = parse.GetValue(_lengthPenalty) ?? 1.0,
            World = worldFolder,
        }.Save(Path.Combine(output, SynthIEManifest.FileName));

        long bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        TextWriter writer = context.Out;
        writer.WriteLine($"Wrote a generated test model to {output} ({preset}, seed {parse.GetValue(_seed)}, {Formats.Count(bytes / 1024, "KiB", "KiB")}, in {Formats.Duration(clock.Elapsed)}):");
        writer.WriteLine($"  ONNX files and config.json (optimum's layout), {copiedTokenizer}, {SynthIEManifest.FileName} ({parse.GetValue(_linearization)}){(worldFolder is null ? string.Empty : $", world/ ({(demoWorld ? "the demo world" : world)})")}.");
        writer.WriteLine("Its weights are random: the facts it extracts are meaningless. Use it to try and test the tool and the library, not to extract facts.");
        writer.Flush();
        return ExitCodes.Success;
    }

    private static void CopyWorld(string source, string target)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] == ".synthie-cache")
            {
                continue;
            }

            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

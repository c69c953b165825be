using BenchmarkDotNet.Running;
using SynthIE.Inference.Benchmarks.Constraints;
using SynthIE.Inference.Benchmarks.Extraction;
using SynthIE.Inference.Benchmarks.Gpu;

// BenchmarkDotNet suite: `dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --filter '*'`
// (add `--job short` for a quick check of the micro-benchmarks, `--quick` for batch 1 only in ExtractionBenchmarks).
// Console measurements instead of BenchmarkDotNet: `--world-scale` (2.6M-entity world), `--greedy-vs-transformers-js`,
// `--loop-overhead`, `--ort-profile` (used by scripts/side-by-side.sh), `--device-table` (gpu/device-run.sh). Every command is in benchmarks/README.md.
if (args is ["--world-scale", ..])
{
    return WorldScaleMeasurement.Run(Console.Out, args[1..]);
}

if (args is ["--greedy-vs-transformers-js", ..])
{
    return GreedyComparison.Run(Console.Out, args[1..]);
}

if (args is ["--ort-profile", ..])
{
    return OnnxRuntimeProfile.Run(Console.Out, args[1..]);
}

if (args is ["--device-table", ..])
{
    return DeviceTableMeasurement.Run(Console.Out, args[1..]);
}

if (args is ["--loop-overhead", ..])
{
    return LoopOverheadMeasurement.Run(Console.Out, args[1..]);
}

// Options of ours for the BenchmarkDotNet run (removed before BenchmarkDotNet parses the rest); the benchmark processes
// inherit them as environment variables. See ExtractionBenchmarks.
var benchmarkArgs = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            Environment.SetEnvironmentVariable(ExtractionBenchmarks.QuickVariable, "1");
            break;
        case "--large":
            Environment.SetEnvironmentVariable(ExtractionBenchmarks.LargeVariable, "1");
            break;
        case "--threads" when i + 1 < args.Length:
            Environment.SetEnvironmentVariable(ExtractionBenchmarks.ThreadsVariable, args[++i]);
            break;
        default:
            benchmarkArgs.Add(args[i]);
            break;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. benchmarkArgs]);
return 0;

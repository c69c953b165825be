using BenchmarkDotNet.Running;
using SynthIE.Inference.Benchmarks.Constraints;

// BenchmarkDotNet suite: `dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --filter '*'`
// (add `--job short` for a quick check). `--world-scale` runs the 2.6M-entity world measurement instead.
// Every command is listed in benchmarks/README.md.
if (args is ["--world-scale", ..])
{
    return WorldScaleMeasurement.Run(Console.Out, args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

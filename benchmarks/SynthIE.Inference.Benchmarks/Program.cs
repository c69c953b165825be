using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suite: `dotnet run -c Release --project benchmarks/SynthIE.Inference.Benchmarks -- --filter '*'`
// (add `--job short` for a quick check). Measurement commands that are not BenchmarkDotNet benchmarks are listed in benchmarks/README.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

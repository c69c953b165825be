using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// Adds the <c>docs/s</c> and <c>tokens/s</c> columns to <see cref="ExtractionBenchmarks"/>. The benchmark process writes
/// the tokens one operation generates to a file in the model cache (<see cref="WriteTokensPerOperation"/>); the host reads
/// it back when it prints the summary.
/// </summary>
public sealed class ExtractionBenchmarkConfig : ManualConfig
{
    /// <summary>Initializes a new instance of the <see cref="ExtractionBenchmarkConfig"/> class.</summary>
    public ExtractionBenchmarkConfig()
    {
        AddColumn(new ThroughputColumn(tokens: false), new ThroughputColumn(tokens: true));
    }

    internal static void WriteTokensPerOperation(string model, int beams, int batch, long tokens)
    {
        string path = TokensFile(model, beams, batch);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, tokens.ToString(CultureInfo.InvariantCulture));
    }

    private static string TokensFile(string model, int beams, int batch)
        => Path.Combine(BenchmarkPaths.ModelCache(), "benchmark-tokens", $"{model}-beams{beams}-batch{batch}.txt");

    private sealed class ThroughputColumn : IColumn
    {
        private readonly bool _tokens;

        public ThroughputColumn(bool tokens) => _tokens = tokens;

        public string Id => _tokens ? "TokensPerSecond" : "DocumentsPerSecond";

        public string ColumnName => _tokens ? "tokens/s" : "docs/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => _tokens ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => _tokens
            ? "Generated tokens (best candidate of each document, EOS included) per second of the mean operation time"
            : "Documents extracted per second of the mean operation time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (meanNanoseconds is not > 0)
            {
                return "-";
            }

            string model = (string)benchmarkCase.Parameters["Model"];
            int beams = (int)benchmarkCase.Parameters["Beams"];
            int batch = (int)benchmarkCase.Parameters["Batch"];
            double seconds = meanNanoseconds.Value / 1e9;
            if (!_tokens)
            {
                return (batch / seconds).ToString("F2", CultureInfo.InvariantCulture);
            }

            string file = TokensFile(model, beams, batch);
            return File.Exists(file) && long.TryParse(File.ReadAllText(file), CultureInfo.InvariantCulture, out long tokens)
                ? (tokens / seconds).ToString("F1", CultureInfo.InvariantCulture)
                : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

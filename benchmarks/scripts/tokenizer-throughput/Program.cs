using System.Diagnostics;
using System.Globalization;
using System.Text;
using SynthIE.Inference;

// Usage: TokenizerThroughput MODEL CORPUS [PASSES]
// Encodes every line of CORPUS (one document per line) with T5Tokenizer on one thread, PASSES times after a warm-up (at
// least 5 passes and 3 seconds), and prints the best pass as "ours <bytes> <tokens> <seconds>" (tokens without the end
// token, as spm_encode counts).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TokenizerThroughput MODEL CORPUS [PASSES]");
    return 2;
}

T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(args[0]);
string[] lines = File.ReadAllLines(args[1], Encoding.UTF8);
int passes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
long bytes = lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l));
int[] buffer = new int[1 << 20];

long Pass()
{
    long tokens = 0;
    foreach (string line in lines)
    {
        tokens += tokenizer.EncodeToIds(line, buffer, addEndOfSequence: false, out _);
    }

    return tokens;
}

// Warm-up until the JIT has settled: at least 5 passes and 3 seconds. The scripts pin this process to one core, where the
// background compiler shares the core with the benchmark and fully optimized code arrives later than usual (with only
// 3 warm-up passes the timed passes measured partly unoptimized code: 10 MB/s instead of 20-29 MB/s).
long warmupStart = Stopwatch.GetTimestamp();
for (int i = 0; i < 5 || (Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < 3 && i < 100); i++)
{
    _ = Pass();
}

double best = double.MaxValue;
long count = 0;
for (int i = 0; i < passes; i++)
{
    long start = Stopwatch.GetTimestamp();
    count = Pass();
    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours {bytes} {count} {best:F6}"));
return 0;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using SynthIE.Inference.Tokenization;

// Usage: TokenizerThroughput MODEL CORPUS [PASSES]
// Encodes every line of CORPUS (one document per line) with T5Tokenizer on one thread, PASSES times after a warm-up,
// and prints the best pass as "ours <bytes> <tokens> <seconds>" (tokens without the end token, as spm_encode counts).
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

for (int i = 0; i < 3; i++)
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

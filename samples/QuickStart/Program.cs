// Quick start: load a SynthIE model directory, extract facts, print them.
//   dotnet run --project samples/QuickStart -- <model-dir> ["text" ...]
using SynthIE.Inference;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: QuickStart <model-dir> [text ...]   (./build.sh run makes a demo model)");
    return 2;
}

using var extractor = SynthIEExtractor.Create(args[0]);
string[] texts = args.Length > 1 ? args[1..] : ["Marie Curie was born in Warsaw and worked in Paris, the capital of France."];
foreach (string text in texts)
{
    ExtractionResult result = extractor.Extract(text);
    Console.WriteLine($"{text}\n  output: {result.RawOutput}  (score {result.Score:F4})");
    foreach (Fact fact in result.Facts)
    {
        Console.WriteLine($"  {fact.Subject} | {fact.Relation} | {fact.Object}");
    }
}

return 0;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// Agreement with Google's sentencepiece (Debian's python3-sentencepiece under /usr/bin/python3) on seeded random
/// texts: encoding (ids without the end token) for both loaders, and decoding as Hugging Face 4.23 does. The seed and
/// count can be changed with SYNTHIE_TOKENIZER_FUZZ_SEED and SYNTHIE_TOKENIZER_FUZZ_COUNT.
/// </summary>
public sealed class SentencePieceAgreementTests
{
    private const string Python = "/usr/bin/python3";
    private const int DefaultSeed = 20_221_004;
    private const int DefaultCount = 10_000;

    [Fact]
    public void Agrees_with_sentencepiece_on_generated_texts()
    {
        int seed = ReadSetting("SYNTHIE_TOKENIZER_FUZZ_SEED", DefaultSeed);
        int count = ReadSetting("SYNTHIE_TOKENIZER_FUZZ_COUNT", DefaultCount);
        UnicodeTextGenerator generator = new(seed);
        List<string> texts = new(count);
        while (texts.Count < count)
        {
            string text = generator.Next();
            if (!ContainsSpecialToken(text))
            {
                texts.Add(text);
            }
        }

        (int[][] expectedIds, string[] expectedDecoded) = EncodeWithSentencePiece(texts);
        foreach (T5Tokenizer tokenizer in new[] { TokenizerFiles.SentencePiece, TokenizerFiles.Json })
        {
            for (int i = 0; i < texts.Count; i++)
            {
                int[] actual = [.. tokenizer.EncodeToIds(texts[i], addEndOfSequence: false)];
                if (!actual.AsSpan().SequenceEqual(expectedIds[i]))
                {
                    Assert.Fail($"Encoding differs from sentencepiece ({tokenizer.SourceName}), seed {seed}, text #{i}: {Describe(texts[i])}\n" +
                        $"sentencepiece: [{string.Join(", ", expectedIds[i])}]\nours:          [{string.Join(", ", actual)}]");
                }

                string decoded = tokenizer.Decode(actual);
                if (decoded != expectedDecoded[i])
                {
                    Assert.Fail($"Decoding differs ({tokenizer.SourceName}), seed {seed}, text #{i}: {Describe(texts[i])}, ids [{string.Join(", ", actual)}]\n" +
                        $"expected: {Describe(expectedDecoded[i])}\nours:     {Describe(decoded)}");
                }
            }
        }
    }

    /// <summary>Runs the helper script once over all texts and returns sentencepiece's ids and Hugging Face-style decodings.</summary>
    internal static (int[][] Ids, string[] Decoded) EncodeWithSentencePiece(IReadOnlyList<string> texts)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; the agreement test needs Debian's python3 with sentencepiece (apt-get install python3-sentencepiece).");
        string script = Path.Combine(SharedData.RepositoryRoot, "tests", "SynthIE.Inference.Tests", "Tokenization", "sentencepiece_encode.py");
        string folder = Path.Combine(Path.GetTempPath(), "synthie-tokenizer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string input = Path.Combine(folder, "texts.json");
            string output = Path.Combine(folder, "ids.json");
            File.WriteAllText(input, JsonSerializer.Serialize(texts));
            ProcessStartInfo start = new(Python)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { script, TokenizerFiles.SpieceModelPath, input, output })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.Result;
            Assert.True(process.ExitCode != 3, $"{Python} has no sentencepiece module: apt-get install python3-sentencepiece. {stderr}");
            Assert.True(process.ExitCode == 0, $"{script} failed with exit code {process.ExitCode}: {stderr}");
            using JsonDocument result = JsonDocument.Parse(File.ReadAllBytes(output));
            int[][] ids = [.. result.RootElement.GetProperty("ids").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetInt32()).ToArray())];
            string[] decoded = [.. result.RootElement.GetProperty("decoded").EnumerateArray().Select(e => e.GetString()!)];
            Assert.Equal(texts.Count, ids.Length);
            Assert.Equal(texts.Count, decoded.Length);
            return (ids, decoded);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Shows a text with every character outside printable ASCII as \uXXXX (\UXXXXXXXX when astral).</summary>
    internal static string Describe(string text)
    {
        StringBuilder builder = new("\"");
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7F && rune.Value != '"' && rune.Value != '\\')
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append(rune.IsBmp ? $"\\u{rune.Value:X4}" : $"\\U{rune.Value:X8}");
            }
        }

        return builder.Append("\" = ").Append(text).ToString();
    }

    private static bool ContainsSpecialToken(string text) =>
        text.Contains("</s>", StringComparison.Ordinal) || text.Contains("<pad>", StringComparison.Ordinal)
        || text.Contains("<unk>", StringComparison.Ordinal) || text.Contains("<extra_id_", StringComparison.Ordinal);

    private static int ReadSetting(string variable, int fallback)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }
}

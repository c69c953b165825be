using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using SynthIE.Inference.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// Runs our <see cref="T5Tokenizer"/> and Microsoft.ML.Tokenizers' own <see cref="SentencePieceTokenizer"/> (3.0.0, from
/// the shared tokenizer.json) over the same references: the 998 Hugging Face cases, the 1,000 REBEL sample texts and
/// the 10,000 generated texts of <see cref="SentencePieceAgreementTests"/> (both against Google's sentencepiece plus the
/// end token, as Hugging Face encodes them). Ours must match every input. For theirs the differing inputs are counted
/// and printed; the test fails if they ever drop to zero, because the README's "Why our own SentencePiece" table then
/// no longer holds.
/// </summary>
public sealed class MlTokenizersComparisonTests
{
    private const string ReadmeHint = "update the \"Why our own SentencePiece\" table in README.md";
    private const int GeneratedSeed = 20_221_004;
    private const int GeneratedCount = 10_000;

    private readonly ITestOutputHelper _output;

    public MlTokenizersComparisonTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void SentencePieceTokenizer_Create_still_fails_on_the_T5_model_file()
    {
        using FileStream stream = File.OpenRead(TokenizerFiles.SpieceModelPath);
        Exception? failure = Record.Exception(() => SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: true));
        _output.WriteLine($"SentencePieceTokenizer.Create(spiece.model): {failure?.GetType().Name ?? "no exception"}");
        Assert.True(failure is not null, $"SentencePieceTokenizer.Create now loads T5's spiece.model: {ReadmeHint}.");
    }

    [Fact]
    public void Breaks_ties_between_equal_segmentations_as_sentencepiece_does()
    {
        // "‴" normalizes to three primes, which "′′" + "′" and "′" + "′′" segment with the same score; sentencepiece
        // 0.1.97 gives [3, 9, 7079, 17774, 115] for "a‴b".
        const string text = "a\u2034b";
        int[] expected = [3, 9, 7079, 17774, 115, 1];
        Assert.Equal(expected, TokenizerFiles.SentencePiece.EncodeToIds(text));
        IReadOnlyList<int> theirs = LoadTheirs().EncodeToIds(text);
        _output.WriteLine($"\"a\\u2034b\": sentencepiece and ours [{string.Join(", ", expected)}], ML.Tokenizers [{string.Join(", ", theirs)}]");
        Assert.False(theirs.SequenceEqual(expected), $"ML.Tokenizers now breaks this tie as sentencepiece does: {ReadmeHint}.");
    }

    [Fact]
    public void Ours_matches_every_reference_input_and_ML_Tokenizers_still_differs()
    {
        T5Tokenizer ours = TokenizerFiles.SentencePiece;
        SentencePieceTokenizer theirs = LoadTheirs();

        IReadOnlyList<TokenizerCase> hfCases = TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath);
        Assert.Equal(998, hfCases.Count);
        List<Reference> hf = [.. hfCases.Select(c => new Reference(c.Text, c.Ids, null))];

        List<Reference> rebel = WithSentencePiece(ReadRebelTexts());
        Assert.Equal(1_000, rebel.Count);

        UnicodeTextGenerator generator = new(GeneratedSeed);
        List<string> texts = [];
        while (texts.Count < GeneratedCount)
        {
            string text = generator.Next();
            if (!text.Contains("</s>", StringComparison.Ordinal) && !text.Contains("<pad>", StringComparison.Ordinal)
                && !text.Contains("<unk>", StringComparison.Ordinal) && !text.Contains("<extra_id_", StringComparison.Ordinal))
            {
                texts.Add(text);
            }
        }

        List<Reference> generated = WithSentencePiece(texts);

        List<string> ourFailures = [];
        int theirTotal = 0;
        foreach ((string name, List<Reference> references) in new[] { ("Hugging Face cases", hf), ("REBEL sample texts", rebel), ("generated texts", generated) })
        {
            Tally ourTally = Compare(references, text => ours.EncodeToIds(text), ours.Decode);
            Tally theirTally = Compare(references, text => theirs.EncodeToIds(text), ids => theirs.Decode(ids));
            theirTotal += theirTally.Differing;
            ourFailures.AddRange(ourTally.Examples.Select(e => $"{name}: {e}"));
            _output.WriteLine($"{name} ({references.Count}): ours differs on {ourTally.Differing}, ML.Tokenizers on {theirTally.Differing} " +
                $"(no ids for empty text: {theirTally.NothingForEmptyText}, unknown runs not merged: {theirTally.UnknownRunsNotMerged}, deleted characters kept: {theirTally.DeletedCharactersKept}, other: {theirTally.Other})" +
                (references[0].Decoded is null ? string.Empty : $"; decoding differs: ours {ourTally.DecodingDiffers}, ML.Tokenizers {theirTally.DecodingDiffers}"));
            foreach (string example in theirTally.Examples.Take(3))
            {
                _output.WriteLine($"  ML.Tokenizers: {example}");
            }
        }

        IReadOnlyList<int> ourEmpty = ours.EncodeToIds(string.Empty);
        IReadOnlyList<int> theirEmpty = theirs.EncodeToIds(string.Empty);
        _output.WriteLine($"empty text: ours [{string.Join(", ", ourEmpty)}], ML.Tokenizers [{string.Join(", ", theirEmpty)}]");
        Assert.Equal([1], ourEmpty);

        Assert.True(ourFailures.Count == 0, $"{ourFailures.Count} inputs encode or decode differently from the reference:\n{string.Join("\n", ourFailures.Take(10))}");
        Assert.True(theirTotal > 0, $"ML.Tokenizers' SentencePieceTokenizer now matches every reference input: {ReadmeHint}.");
    }

    private static SentencePieceTokenizer LoadTheirs()
    {
        using FileStream stream = File.OpenRead(TokenizerFiles.TokenizerJsonPath);
        return SentencePieceTokenizer.CreateFromTokenizerJson(stream, addBeginningOfSentence: false, addEndOfSentence: true);
    }

    private static List<string> ReadRebelTexts()
    {
        List<string> texts = [];
        foreach (string line in File.ReadLines(SharedData.File("data/rebel-sample/sample.jsonl")))
        {
            if (line.Length > 0)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                texts.Add(document.RootElement.GetProperty("text").GetString()!);
            }
        }

        return texts;
    }

    /// <summary>Google's sentencepiece ids plus the end token, and Hugging Face's decoding of them.</summary>
    private static List<Reference> WithSentencePiece(List<string> texts)
    {
        (int[][] ids, string[] decoded) = SentencePieceAgreementTests.EncodeWithSentencePiece(texts);
        return [.. texts.Select((text, i) => new Reference(text, [.. ids[i], T5Tokenizer.EndOfSequenceId], decoded[i]))];
    }

    private static Tally Compare(List<Reference> references, Func<string, IReadOnlyList<int>> encode, Func<int[], string> decode)
    {
        Tally tally = new();
        foreach (Reference reference in references)
        {
            int[] actual = [.. encode(reference.Text)];
            if (!actual.AsSpan().SequenceEqual(reference.Ids))
            {
                tally.Differing++;
                if (actual.Length == 0)
                {
                    tally.NothingForEmptyText++;
                }
                else if (HasRepeatedUnknown(actual) && !HasRepeatedUnknown(reference.Ids))
                {
                    tally.UnknownRunsNotMerged++;
                }
                else if (reference.Text.Any(IsDeletedByTheMap))
                {
                    tally.DeletedCharactersKept++;
                }
                else
                {
                    tally.Other++;
                }

                if (tally.Examples.Count < 10)
                {
                    int at = actual.AsSpan().CommonPrefixLength(reference.Ids);
                    tally.Examples.Add($"{Shorten(SentencePieceAgreementTests.Describe(reference.Text))}: from id {at}, expected [{Window(reference.Ids, at)}], got [{Window(actual, at)}]");
                }
            }

            if (reference.Decoded is not null)
            {
                string decoded = decode(reference.Ids);
                if (decoded != reference.Decoded)
                {
                    tally.DecodingDiffers++;
                    if (tally.Examples.Count < 10)
                    {
                        int at = decoded.AsSpan().CommonPrefixLength(reference.Decoded);
                        tally.Examples.Add(string.Create(CultureInfo.InvariantCulture, $"decoding {Shorten(SentencePieceAgreementTests.Describe(reference.Text))}: from character {at}, expected \"{Excerpt(reference.Decoded, at)}\", got \"{Excerpt(decoded, at)}\""));
                    }
                }
            }
        }

        return tally;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 117), "...");

    private static string Window(int[] ids, int at) => string.Join(", ", ids.Skip(Math.Max(at - 2, 0)).Take(8));

    private static string Excerpt(string text, int at) => text.Substring(Math.Max(at - 10, 0), Math.Min(text.Length, at + 10) - Math.Max(at - 10, 0));

    /// <summary>A character that T5's normalization deletes (e.g. most C0 and C1 controls): "x" + it + "y" encodes as "xy".</summary>
    private static bool IsDeletedByTheMap(char c) => !char.IsSurrogate(c)
        && TokenizerFiles.SentencePiece.EncodeToIds($"x{c}y").SequenceEqual(TokenizerFiles.SentencePiece.EncodeToIds("xy"));

    private static bool HasRepeatedUnknown(ReadOnlySpan<int> ids)
    {
        for (int i = 1; i < ids.Length; i++)
        {
            if (ids[i] == T5Tokenizer.UnknownId && ids[i - 1] == T5Tokenizer.UnknownId)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Reference(string Text, int[] Ids, string? Decoded);

    private sealed class Tally
    {
        public int Differing { get; set; }

        public int NothingForEmptyText { get; set; }

        public int UnknownRunsNotMerged { get; set; }

        public int DeletedCharactersKept { get; set; }

        public int Other { get; set; }

        public int DecodingDiffers { get; set; }

        public List<string> Examples { get; } = [];
    }
}

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// Exact agreement with Hugging Face T5Tokenizer (transformers, slow tokenizer) on the shared case file, for both loaders.
/// Extra case files: set <c>SYNTHIE_TOKENIZER_CASES</c> to one or more paths separated by <see cref="Path.PathSeparator"/>
/// (':' on Linux), each <c>{"cases":[{"text": str, "ids": [int, … ending with 1]}]}</c>; every case must encode exactly.
/// </summary>
public sealed class T5TokenizerConformanceTests
{
    /// <summary>The environment variable naming extra case files.</summary>
    public const string ExtraCasesVariable = "SYNTHIE_TOKENIZER_CASES";

    public static TheoryData<string> Loaders => ["spiece.model", "tokenizer.json"];

    [Theory]
    [MemberData(nameof(Loaders))]
    public void Encodes_every_Hugging_Face_case_exactly(string loader)
    {
        T5Tokenizer tokenizer = TokenizerFiles.ByLoader(loader);
        IReadOnlyList<TokenizerCase> cases = TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath);
        Assert.True(cases.Count >= 998, $"expected the 998 shared cases, read {cases.Count}");
        AssertAllEncode(tokenizer, cases, TokenizerFiles.HuggingFaceCasesPath);
    }

    [Theory]
    [MemberData(nameof(Loaders))]
    public void Encodes_every_case_in_the_extra_case_files(string loader)
    {
        string? variable = Environment.GetEnvironmentVariable(ExtraCasesVariable);
        if (string.IsNullOrWhiteSpace(variable))
        {
            return;
        }

        T5Tokenizer tokenizer = TokenizerFiles.ByLoader(loader);
        foreach (string path in variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            IReadOnlyList<TokenizerCase> cases = TokenizerCase.ReadFile(path);
            Assert.NotEmpty(cases);
            AssertAllEncode(tokenizer, cases, path);
        }
    }

    [Theory]
    [MemberData(nameof(Loaders))]
    public void Decodes_every_Hugging_Face_case_with_special_tokens_exactly(string loader)
    {
        T5Tokenizer tokenizer = TokenizerFiles.ByLoader(loader);
        List<string> failures = [];
        foreach (TokenizerCase c in TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath))
        {
            string decoded = tokenizer.Decode(c.Ids, skipSpecialTokens: false);
            if (decoded != c.DecodedWithSpecial)
            {
                failures.Add($"ids [{string.Join(", ", c.Ids)}]: expected \"{c.DecodedWithSpecial}\", got \"{decoded}\"");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} decodings differ, e.g.:\n{string.Join("\n", failures.Take(10))}");
    }

    [Fact]
    public void Both_loaders_build_the_same_vocabulary()
    {
        T5Tokenizer model = TokenizerFiles.SentencePiece;
        T5Tokenizer json = TokenizerFiles.Json;
        Assert.Equal(32_100, model.VocabularySize);
        Assert.Equal(model.VocabularySize, json.VocabularySize);
        for (int id = 0; id < model.VocabularySize; id++)
        {
            Assert.Equal(model.IdToPiece(id), json.IdToPiece(id));
        }
    }

    private static void AssertAllEncode(T5Tokenizer tokenizer, IReadOnlyList<TokenizerCase> cases, string path)
    {
        List<string> failures = [];
        foreach (TokenizerCase c in cases)
        {
            int[] actual = [.. tokenizer.EncodeToIds(c.Text)];
            if (!actual.AsSpan().SequenceEqual(c.Ids))
            {
                failures.Add($"\"{c.Text}\": expected [{string.Join(", ", c.Ids)}], got [{string.Join(", ", actual)}]");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases in {path} differ ({tokenizer.SourceName}), e.g.:\n{string.Join("\n", failures.Take(10))}");
    }
}

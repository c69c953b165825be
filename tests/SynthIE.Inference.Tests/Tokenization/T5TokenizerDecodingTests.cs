namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>Decoding as Hugging Face 4.23 <c>T5Tokenizer.decode</c>, and the raw form.</summary>
public sealed class T5TokenizerDecodingTests
{
    private static T5Tokenizer Tokenizer => TokenizerFiles.SentencePiece;

    [Fact]
    public void Decodes_Hugging_Face_cases_without_special_tokens()
    {
        int checkedCases = 0;
        foreach (TokenizerCase c in TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath))
        {
            if (c.Ids.Contains(T5Tokenizer.UnknownId) || c.DecodedWithSpecial is null)
            {
                continue;
            }

            // With the only special token at the end, skipping it leaves the same text without "</s>".
            Assert.EndsWith("</s>", c.DecodedWithSpecial, StringComparison.Ordinal);
            string expected = c.DecodedWithSpecial[..^4].TrimEnd();
            Assert.Equal(expected, Tokenizer.Decode(c.Ids));
            checkedCases++;
        }

        Assert.True(checkedCases > 900, $"only {checkedCases} cases checked");
    }

    [Fact]
    public void Cleans_up_spaces_before_punctuation_by_default()
    {
        int[] ids = [.. Tokenizer.EncodeToIds("[o] .NET_Framework")];
        Assert.Equal("[o].NET_Framework", Tokenizer.Decode(ids));
        Assert.Equal("[o] .NET_Framework", Tokenizer.Decode(ids, cleanUpTokenizationSpaces: false));
        Assert.Equal("I don't know, do you? He's here!", Tokenizer.Decode([.. Tokenizer.EncodeToIds("I don ' t know , do you ? He 's here !")]));
    }

    [Fact]
    public void Writes_special_tokens_followed_by_a_space_when_not_skipping_them()
    {
        Assert.Equal("<extra_id_0> Hello</s>", Tokenizer.Decode([32_099, 8774, 1], skipSpecialTokens: false));
        Assert.Equal("Hello", Tokenizer.Decode([32_099, 8774, 1]));
        Assert.Equal("<pad> Hello<unk> world</s>", Tokenizer.Decode([0, 8774, 2, 296, 1], skipSpecialTokens: false));
        Assert.Equal("Hello world", Tokenizer.Decode([0, 8774, 2, 296, 1]));
        Assert.Equal(string.Empty, Tokenizer.Decode([0, 1, 2]));
        Assert.Equal(string.Empty, Tokenizer.Decode([]));
    }

    [Fact]
    public void Drops_the_leading_space_of_each_stretch_only()
    {
        // Leading "▁" pieces vanish until some text is written, as sentencepiece 0.1.97 decodes.
        Assert.Equal("Hello", Tokenizer.Decode([3, 3, 8774]));
        Assert.Equal("Hello  world", Tokenizer.Decode([8774, 3, 296]));
    }

    [Fact]
    public void Names_ids_past_the_vocabulary_as_Hugging_Face_does()
    {
        Assert.Equal("Hello<extra_id_-1>", Tokenizer.Decode([8774, 32_100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([-1]));
    }

    [Fact]
    public void Decodes_raw_with_every_piece_and_spaces_for_the_visible_space()
    {
        Assert.Equal(" Hello world</s>", Tokenizer.DecodeRaw([8774, 296, 1]));
        Assert.Equal("<pad> [s]<extra_id_0><unk>", Tokenizer.DecodeRaw([0, 784, 7, 908, 32_099, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.DecodeRaw([32_100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.DecodeRaw([-5]));
    }
}

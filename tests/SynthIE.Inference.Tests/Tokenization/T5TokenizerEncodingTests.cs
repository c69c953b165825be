namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// Encoding details that SynthIE relies on: marker ids, special tokens in text (Hugging Face 4.23 slow tokenizer rules),
/// the end token, truncation to a buffer, token counting, unusual characters and very long text. Expected ids come from
/// Google's sentencepiece 0.1.97 on the shared spiece.model.
/// </summary>
public sealed class T5TokenizerEncodingTests
{
    private static T5Tokenizer Tokenizer => TokenizerFiles.SentencePiece;

    [Theory]
    [InlineData("[s]", new[] { 784, 7, 908 })]
    [InlineData("[r]", new[] { 784, 52, 908 })]
    [InlineData("[o]", new[] { 784, 32, 908 })]
    [InlineData("[e]", new[] { 784, 15, 908 })]
    public void Encodes_SynthIE_markers_without_the_end_token(string marker, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.EncodeToIds(marker, addEndOfSequence: false));
        Assert.Equal([.. expected, 1], Tokenizer.EncodeToIds(marker));
    }

    [Theory]
    [InlineData("Hello</s>", new[] { 8774, 1 })]
    [InlineData("Hello </s> world", new[] { 8774, 1, 296, 1 })]
    [InlineData("Hello</s></s>", new[] { 8774, 1, 1 })]
    [InlineData("<pad>x<unk>", new[] { 0, 3, 226, 2, 1 })]
    [InlineData("<extra_id_0> is <extra_id_99>", new[] { 32099, 19, 32000, 1 })]
    [InlineData("<extra_id_100>", new[] { 3, 2, 25666, 834, 23, 26, 834, 2915, 3155, 1 })]
    [InlineData("<extra_id_01>", new[] { 3, 2, 25666, 834, 23, 26, 834, 4542, 3155, 1 })]
    [InlineData("\u3000</s>\u00A0 x", new[] { 1, 3, 226, 1 })]
    [InlineData("Hello\u001C</s>", new[] { 8774, 1 })]
    [InlineData("<extra_id_1<extra_id_1>", new[] { 3, 2, 25666, 834, 23, 26, 834, 536, 32098, 1 })]
    public void Splits_out_special_tokens_written_in_the_text(string text, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.EncodeToIds(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t\r\n  ")]
    [InlineData("\u3000\u00A0\u2003")]
    [InlineData("\u0001\u0002\u200B")]
    public void Encodes_empty_and_whitespace_only_text_to_just_the_end_token(string text)
    {
        Assert.Equal([1], Tokenizer.EncodeToIds(text));
        Assert.Empty(Tokenizer.EncodeToIds(text, addEndOfSequence: false));
        Assert.Equal(1, Tokenizer.CountTokens(text));
    }

    [Fact]
    public void Rejects_null_text()
    {
        Assert.Throws<ArgumentNullException>(() => Tokenizer.EncodeToIds(null!));
        Assert.Throws<ArgumentNullException>(() => Tokenizer.CountTokens(null!));
        Assert.Throws<ArgumentNullException>(() => Tokenizer.PieceToId(null!));
    }

    [Fact]
    public void Encodes_lone_surrogates_as_unknown_like_sentencepiece_does_malformed_utf8()
    {
        // Built in code: attribute data cannot hold lone surrogates. sentencepiece turns each malformed UTF-8 byte into
        // U+FFFD, which is no piece: b"a\xffb" -> [3, 9, 2, 115], b"a \xff \xffb" -> [3, 9, 3, 2, 3, 2, 115].
        const char High = '\uD800', Low = '\uDC00';
        Assert.Equal([3, 9, 2, 115, 1], Tokenizer.EncodeToIds($"a{High}b"));
        Assert.Equal([3, 2, 1], Tokenizer.EncodeToIds(Low.ToString()));
        Assert.Equal([3, 2, 1], Tokenizer.EncodeToIds($"{Low}{High}{{"));
        Assert.Equal([3, 9, 3, 2, 3, 2, 115, 1], Tokenizer.EncodeToIds($"a {High} {High}b"));
    }

    [Theory]
    [InlineData("a\u0000b", new[] { 3, 9, 2, 115, 1 })]
    [InlineData("a\u0001b", new[] { 703, 1 })]
    [InlineData("a\tb\n c", new[] { 3, 9, 3, 115, 3, 75, 1 })]
    [InlineData("\u751F\u6D3B\u7684\u771F\u8C1B\u662F", new[] { 3, 2, 1 })]
    public void Encodes_control_characters_and_unknown_runs_like_sentencepiece(string text, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.EncodeToIds(text));
    }

    [Fact]
    public void Truncates_into_a_buffer_keeping_the_end_token()
    {
        string text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 40));
        int[] full = [.. Tokenizer.EncodeToIds(text)];
        Assert.Equal((12 * 40) + 1, full.Length);

        Span<int> buffer = stackalloc int[256];
        int written = Tokenizer.EncodeToIds(text, buffer, addEndOfSequence: true, out bool truncated);
        Assert.True(truncated);
        Assert.Equal(256, written);
        Assert.Equal([.. full[..255], 1], buffer.ToArray());

        written = Tokenizer.EncodeToIds(text, buffer, addEndOfSequence: false, out truncated);
        Assert.True(truncated);
        Assert.Equal(256, written);
        Assert.Equal(full[..256], buffer.ToArray());

        written = Tokenizer.EncodeToIds("Hello world", buffer, addEndOfSequence: true, out truncated);
        Assert.False(truncated);
        Assert.Equal([8774, 296, 1], buffer[..written].ToArray());

        // Exactly full: pieces + end token fit.
        Span<int> three = stackalloc int[3];
        written = Tokenizer.EncodeToIds("Hello world", three, addEndOfSequence: true, out truncated);
        Assert.False(truncated);
        Assert.Equal([8774, 296, 1], three[..written].ToArray());

        // One short: the last piece gives way to the end token.
        Span<int> two = stackalloc int[2];
        written = Tokenizer.EncodeToIds("Hello world", two, addEndOfSequence: true, out truncated);
        Assert.True(truncated);
        Assert.Equal([8774, 1], two[..written].ToArray());

        written = Tokenizer.EncodeToIds("Hello world", [], addEndOfSequence: true, out truncated);
        Assert.True(truncated);
        Assert.Equal(0, written);
    }

    [Fact]
    public void Adds_no_second_end_token_when_the_text_ends_with_one()
    {
        Assert.Equal([8774, 1], Tokenizer.EncodeToIds("Hello </s>"));
        Assert.Equal(2, Tokenizer.CountTokens("Hello </s>"));
        Span<int> buffer = stackalloc int[8];
        int written = Tokenizer.EncodeToIds("Hello </s>", buffer, addEndOfSequence: true, out bool truncated);
        Assert.False(truncated);
        Assert.Equal([8774, 1], buffer[..written].ToArray());
    }

    [Fact]
    public void Counts_tokens_as_encoding_returns_them()
    {
        foreach (TokenizerCase c in TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath).Take(200))
        {
            Assert.Equal(c.Ids.Length, Tokenizer.CountTokens(c.Text));
            Assert.Equal(c.Ids.Length - 1, Tokenizer.CountTokens(c.Text, addEndOfSequence: false));
        }
    }

    [Fact]
    public void Encodes_ten_megabytes_of_text_in_linear_passes()
    {
        const string Sentence = "The quick brown fox jumps over the lazy dog. ";
        int repetitions = (10 * 1024 * 1024) / Sentence.Length;
        string english = string.Concat(Enumerable.Repeat(Sentence, repetitions));
        IReadOnlyList<int> ids = Tokenizer.EncodeToIds(english);
        Assert.Equal((12 * repetitions) + 1, ids.Count);
        Assert.Equal([37, 1704, 4216, 3, 20400, 4418, 7, 147, 8, 19743, 1782, 5], ids.Take(12));

        // One 10 MB "word" of a single letter: one piece per letter after the dummy prefix.
        string letters = new('a', 10 * 1024 * 1024);
        Assert.Equal(letters.Length + 2, Tokenizer.CountTokens(letters));

        // 10 MB of one unknown character merges into a single <unk>.
        Assert.Equal([3, 2, 1], Tokenizer.EncodeToIds(new string('{', 10 * 1024 * 1024)));
    }

    [Fact]
    public void Encodes_the_same_from_many_threads()
    {
        IReadOnlyList<TokenizerCase> cases = TokenizerCase.ReadFile(TokenizerFiles.HuggingFaceCasesPath);
        int failures = 0;
        Parallel.For(0, cases.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            TokenizerCase c = cases[i % cases.Count];
            Span<int> buffer = stackalloc int[1024];
            int written = Tokenizer.EncodeToIds(c.Text, buffer, addEndOfSequence: true, out _);
            if (!buffer[..written].SequenceEqual(c.Ids))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Maps_pieces_and_ids_both_ways()
    {
        Assert.Equal(32_100, Tokenizer.VocabularySize);
        Assert.Equal("<pad>", Tokenizer.IdToPiece(0));
        Assert.Equal("</s>", Tokenizer.IdToPiece(1));
        Assert.Equal("<unk>", Tokenizer.IdToPiece(2));
        Assert.Equal("\u2581", Tokenizer.IdToPiece(3));
        Assert.Equal("<extra_id_0>", Tokenizer.IdToPiece(32_099));
        Assert.Equal("<extra_id_99>", Tokenizer.IdToPiece(32_000));
        Assert.Null(Tokenizer.IdToPiece(32_100));
        Assert.Null(Tokenizer.IdToPiece(-1));
        Assert.Equal(8774, Tokenizer.PieceToId("\u2581Hello"));
        Assert.Equal(32_099, Tokenizer.PieceToId("<extra_id_0>"));
        Assert.Equal(32_000, Tokenizer.PieceToId("<extra_id_99>"));
        Assert.Equal(1, Tokenizer.PieceToId("</s>"));
        Assert.Equal(-1, Tokenizer.PieceToId("<extra_id_100>"));
        Assert.Equal(-1, Tokenizer.PieceToId("Hello world"));
    }
}

using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>
/// <see cref="T5Tokenizer"/> used as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>: token spans in the original
/// text (through the normalization map, whitespace collapsing and the dummy prefix), limits on the number of tokens,
/// counting and decoding through the base class, and a seeded property test over generated texts.
/// </summary>
public sealed class T5TokenizerOffsetTests
{
    private const int PropertySeed = 20_261_207;
    private const int PropertyCount = 2_000;

    private static readonly string[] SpecialTokens = ["</s>", "<pad>", "<unk>", "<extra_id_0>", "<extra_id_7>", "<extra_id_99>"];

    private static T5Tokenizer T5 => TokenizerFiles.SentencePiece;

    private static Tokenizer AsTokenizer => TokenizerFiles.SentencePiece;

    [Fact]
    public void Gives_each_word_its_span_and_the_end_token_an_empty_span_at_the_end()
    {
        AssertTokens("Hello world", ("▁Hello", 0, 5), ("▁world", 5, 11), ("</s>", 11, 11));
    }

    [Fact]
    public void Skips_leading_and_trailing_whitespace_and_gives_a_collapsed_run_to_the_next_word()
    {
        AssertTokens("  Hello   world \t", ("▁Hello", 2, 7), ("▁world", 7, 15), ("</s>", 17, 17));
    }

    [Fact]
    public void Maps_full_width_characters_back_to_their_source_characters()
    {
        // NFKC makes "ＨＥＬＬＯ" "HELLO"; every token's span is a run of the full-width source characters.
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens("ＨＥＬＬＯ", out string? normalized);
        Assert.Null(normalized);
        Assert.Equal(T5.EncodeToIds("HELLO"), tokens.Select(t => t.Id));
        AssertContiguousCover(tokens, 0, 5);
        Assert.Equal(T5.EncodeToTokens("HELLO", out _).Select(t => t.Offset), tokens.Select(t => t.Offset));
    }

    [Fact]
    public void Gives_a_ligature_to_the_token_where_its_expansion_starts()
    {
        // "ﬃ" normalizes to "ffi"; whatever the pieces, exactly one token covers it and the others inside it are empty.
        const string text = "a ﬃ b";
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out _);
        Assert.Equal(T5.EncodeToIds("a ffi b"), tokens.Select(t => t.Id));
        Assert.Single(tokens, t => Covers(t, 2));
        AssertOrderedAndInside(tokens, text.Length);
    }

    [Fact]
    public void Gives_a_standalone_dummy_prefix_an_empty_span_where_the_word_starts()
    {
        // "<x": "▁" alone, then <unk> for "<", then "x".
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens("  <x", out _);
        Assert.Equal(3, tokens[0].Id);
        Assert.Equal(new Range(2, 2), tokens[0].Offset);
        Assert.Equal(T5Tokenizer.UnknownId, tokens[1].Id);
        Assert.Equal(new Range(2, 3), tokens[1].Offset);
    }

    [Fact]
    public void Merges_a_run_of_unknown_characters_into_one_span()
    {
        const string text = "x 😀😀 y";
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out _);
        EncodedToken unknown = Assert.Single(tokens, t => t.Id == T5Tokenizer.UnknownId);
        Assert.Equal(new Range(2, 6), unknown.Offset);
        Assert.Equal("<unk>", unknown.Value);
    }

    [Fact]
    public void Gives_special_tokens_in_the_text_their_own_characters()
    {
        AssertTokens("Hello </s> world<extra_id_0>", ("▁Hello", 0, 5), ("</s>", 6, 10), ("▁world", 11, 16), ("<extra_id_0>", 16, 28), ("</s>", 28, 28));
        // A text ending with </s> gets no second end token.
        AssertTokens("Hello</s>", ("▁Hello", 0, 5), ("</s>", 5, 9));
    }

    [Theory]
    [InlineData("\u0001ab", 0, 3)]
    [InlineData("ab\u0001", 0, 3)]
    [InlineData("ab\u0001 \u0002", 0, 5)]
    public void Covers_characters_the_map_deletes_with_a_neighbouring_token(string text, int start, int end)
    {
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out _);
        Assert.Equal(T5.EncodeToIds("ab"), tokens.Select(t => t.Id));
        AssertContiguousCover(tokens, start, end);
    }

    [Fact]
    public void Encodes_empty_text_to_the_end_token_alone()
    {
        EncodedToken end = Assert.Single(AsTokenizer.EncodeToTokens(string.Empty, out _));
        Assert.Equal(T5Tokenizer.EndOfSequenceId, end.Id);
        Assert.Equal(new Range(0, 0), end.Offset);
        Assert.Equal([1], AsTokenizer.EncodeToIds(string.Empty));
        Assert.Equal(1, AsTokenizer.CountTokens(string.Empty));
    }

    [Fact]
    public void Base_class_calls_give_the_T5_ids_whatever_the_normalization_flags()
    {
        const string text = "Ｔｈｅ café\u3000is <extra_id_3> open.";
        IReadOnlyList<int> expected = T5.EncodeToIds(text);
        Assert.Equal(expected, AsTokenizer.EncodeToIds(text));
        Assert.Equal(expected, AsTokenizer.EncodeToIds(text.AsSpan()));
        Assert.Equal(expected, AsTokenizer.EncodeToIds(text, considerPreTokenization: false, considerNormalization: false));
        Assert.Equal(expected.Count, AsTokenizer.CountTokens(text));
        Assert.Equal(expected.Count, AsTokenizer.CountTokens(text.AsSpan(), considerNormalization: false));
        Assert.Equal(T5.EncodeToIds(text, addEndOfSequence: false), expected.Take(expected.Count - 1));
    }

    [Fact]
    public void Limits_keep_whole_tokens_and_report_the_characters_they_cover()
    {
        const string text = "Hello world, again";
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out _);
        Assert.True(tokens.Count >= 5);

        IReadOnlyList<int> two = AsTokenizer.EncodeToIds(text, 2, out string? normalized, out int consumed);
        Assert.Null(normalized);
        Assert.Equal(tokens.Take(2).Select(t => t.Id), two);
        Assert.Equal(tokens[1].Offset.End.Value, consumed);
        Assert.Equal(consumed, AsTokenizer.GetIndexByTokenCount(text, 2, out _, out int count));
        Assert.Equal(2, count);

        int fromEnd = AsTokenizer.GetIndexByTokenCountFromEnd(text, 2, out _, out int lastCount);
        Assert.Equal(2, lastCount);
        Assert.Equal(tokens[^2].Offset.Start.Value, fromEnd);

        Assert.Equal(text.Length, AsTokenizer.GetIndexByTokenCount(text, 1_000, out _, out int all));
        Assert.Equal(tokens.Count, all);
        Assert.Equal(0, AsTokenizer.GetIndexByTokenCountFromEnd(text, 1_000, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => AsTokenizer.GetIndexByTokenCount(text, 0, out _, out _));
    }

    [Fact]
    public void Never_cuts_inside_the_expansion_of_one_character()
    {
        // "½" (one character, index 2) normalizes to "1⁄2", which takes several tokens: a limit keeps all or none of them.
        const string text = "x ½ y";
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out _);
        int firstInside = tokens.ToList().FindIndex(t => Covers(t, 2));
        int lastInside = firstInside;
        while (lastInside + 1 < tokens.Count - 1 && tokens[lastInside + 1].Offset.Equals(new Range(3, 3)))
        {
            lastInside++;
        }

        int[] inside = [.. Enumerable.Range(firstInside, lastInside - firstInside + 1)];
        Assert.True(inside.Length >= 2, $"expected '½' to take several tokens: {string.Join(", ", tokens.Select(t => $"{t.Value} {t.Offset}"))}");
        for (int max = 1; max <= tokens.Count; max++)
        {
            AsTokenizer.GetIndexByTokenCount(text, max, out _, out int count);
            Assert.True(count <= inside[0] || count > inside[^1], $"max {max}: kept {count} tokens, cutting inside the expansion of '½' (tokens {inside[0]}-{inside[^1]})");
            AsTokenizer.GetIndexByTokenCountFromEnd(text, max, out _, out int lastCount);
            int first = tokens.Count - lastCount;
            Assert.True(first <= inside[0] || first > inside[^1], $"max {max} from the end: first kept token {first} is inside the expansion of '½'");
        }
    }

    [Fact]
    public void Decodes_through_the_base_class_as_Decode_with_its_defaults()
    {
        int[] ids = [.. T5.EncodeToIds("Hello , world <extra_id_0> !")];
        string expected = T5.Decode(ids);
        Assert.Equal(expected, AsTokenizer.Decode(ids.ToList()));

        char[] destination = new char[expected.Length];
        Assert.Equal(OperationStatus.Done, AsTokenizer.Decode(ids, destination, out int consumed, out int written));
        Assert.Equal(ids.Length, consumed);
        Assert.Equal(expected, new string(destination, 0, written));

        Assert.Equal(OperationStatus.DestinationTooSmall, AsTokenizer.Decode(ids, destination.AsSpan(0, 7), out consumed, out written));
        Assert.True(consumed < ids.Length);
        Assert.Equal(T5.Decode(ids.AsSpan(0, consumed)), new string(destination, 0, written));
        Assert.True(written <= 7);
    }

    [Fact]
    public void Offsets_are_ordered_and_cover_every_visible_character_once_on_generated_texts()
    {
        UnicodeTextGenerator generator = new(PropertySeed);
        Random random = new(PropertySeed);
        Dictionary<string, bool> visible = new(StringComparer.Ordinal);
        for (int n = 0; n < PropertyCount; n++)
        {
            string text = generator.Next();
            if (n % 5 == 4)
            {
                // Some texts get a special token written in them.
                text = text.Insert(random.Next(text.Length + 1), SpecialTokens[random.Next(SpecialTokens.Length)]);
            }

            IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out string? normalized);
            string where = $"seed {PropertySeed}, text #{n}: {SentencePieceAgreementTests.Describe(text)}";
            Assert.Null(normalized);
            IReadOnlyList<int> ids = T5.EncodeToIds(text);
            Assert.True(ids.SequenceEqual(tokens.Select(t => t.Id)), $"ids differ from EncodeToIds, {where}");
            Assert.Equal(ids.Count, AsTokenizer.CountTokens(text));
            AssertOrderedAndInside(tokens, text.Length, where);

            int[] coverage = new int[text.Length];
            foreach (EncodedToken token in tokens)
            {
                for (int i = token.Offset.Start.Value; i < token.Offset.End.Value; i++)
                {
                    coverage[i]++;
                }
            }

            for (int i = 0; i < text.Length; i++)
            {
                Assert.True(coverage[i] <= 1, $"character {i} is in {coverage[i]} spans, {where}");
                int length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                if (coverage[i] == 0 && IsVisible(text.Substring(i, length), visible))
                {
                    Assert.Fail($"character {i} ({SentencePieceAgreementTests.Describe(text.Substring(i, length))}) is in no span, {where}\n" +
                        string.Join("\n", tokens.Select(t => $"{t.Id} {t.Value} {t.Offset}")));
                }
            }

            AssertLimitsAgree(text, tokens, where);
        }
    }

    /// <summary>A character that is not whitespace and that encodes to at least one piece on its own.</summary>
    private static bool IsVisible(string character, Dictionary<string, bool> cache)
    {
        if (!cache.TryGetValue(character, out bool visible))
        {
            visible = !string.IsNullOrWhiteSpace(character) && T5.EncodeToIds(character, addEndOfSequence: false).Count > 0;
            cache[character] = visible;
        }

        return visible;
    }

    private static void AssertLimitsAgree(string text, IReadOnlyList<EncodedToken> tokens, string where)
    {
        foreach (int max in new[] { 1, 2, Math.Max(1, tokens.Count / 2), Math.Max(1, tokens.Count - 1), tokens.Count, tokens.Count + 3 })
        {
            int index = AsTokenizer.GetIndexByTokenCount(text, max, out _, out int count);
            Assert.True(count <= max && count <= tokens.Count, $"max {max}: {count} tokens, {where}");
            int expectedIndex = count == tokens.Count ? text.Length : count == 0 ? 0 : tokens[count - 1].Offset.End.Value;
            Assert.True(expectedIndex == index, $"max {max}: index {index}, expected {expectedIndex}, {where}");
            if (max >= tokens.Count)
            {
                Assert.True(count == tokens.Count, $"max {max}: kept {count} of {tokens.Count}, {where}");
            }

            IReadOnlyList<int> ids = AsTokenizer.EncodeToIds(text, max, out _, out int consumed);
            Assert.True(ids.SequenceEqual(tokens.Take(count).Select(t => t.Id)) && consumed == index, $"max {max}: EncodeToIds with a limit disagrees, {where}");
            Assert.True(AsTokenizer.EncodeToTokens(text, out _).Take(count).SequenceEqual(tokens.Take(count)), where);

            int start = AsTokenizer.GetIndexByTokenCountFromEnd(text, max, out _, out int lastCount);
            Assert.True(lastCount <= max && lastCount <= tokens.Count, $"from end, max {max}: {lastCount} tokens, {where}");
            int expectedStart = lastCount == tokens.Count ? 0 : lastCount == 0 ? text.Length : tokens[tokens.Count - lastCount].Offset.Start.Value;
            Assert.True(expectedStart == start, $"from end, max {max}: index {start}, expected {expectedStart}, {where}");
        }
    }

    private static bool Covers(EncodedToken token, int index) => token.Offset.Start.Value <= index && index < token.Offset.End.Value;

    private static void AssertTokens(string text, params (string Piece, int Start, int End)[] expected)
    {
        IReadOnlyList<EncodedToken> tokens = AsTokenizer.EncodeToTokens(text, out string? normalized);
        Assert.Null(normalized);
        Assert.Equal(expected.Select(e => (e.Piece, new Range(e.Start, e.End))), tokens.Select(t => (t.Value, t.Offset)));
        Assert.Equal(T5.EncodeToIds(text), tokens.Select(t => t.Id));
        Assert.Equal(tokens.Select(t => T5.IdToPiece(t.Id)), tokens.Select(t => t.Value));
    }

    /// <summary>The tokens before the end token cover [start, end) with no gap; the end token is empty at the text's end.</summary>
    private static void AssertContiguousCover(IReadOnlyList<EncodedToken> tokens, int start, int end)
    {
        int position = start;
        for (int i = 0; i < tokens.Count - 1; i++)
        {
            Assert.Equal(position, tokens[i].Offset.Start.Value);
            position = tokens[i].Offset.End.Value;
        }

        Assert.Equal(end, position);
        Assert.Equal(T5Tokenizer.EndOfSequenceId, tokens[^1].Id);
    }

    private static void AssertOrderedAndInside(IReadOnlyList<EncodedToken> tokens, int length, string where = "")
    {
        int previousEnd = 0;
        foreach (EncodedToken token in tokens)
        {
            (int start, int end) = (token.Offset.Start.Value, token.Offset.End.Value);
            Assert.False(token.Offset.Start.IsFromEnd || token.Offset.End.IsFromEnd, where);
            Assert.True(start >= previousEnd && start <= end && end <= length, $"token {token.Value} at {token.Offset} after {previousEnd} (length {length}) {where}");
            previousEnd = end;
        }
    }
}

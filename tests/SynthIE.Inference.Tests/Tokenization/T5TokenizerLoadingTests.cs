namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>Loading from files, streams and folders, and clear errors for missing, corrupt or wrong files.</summary>
public sealed class T5TokenizerLoadingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "synthie-tokenizer-tests-" + Guid.NewGuid().ToString("N"));

    public T5TokenizerLoadingTests()
    {
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Loads_from_a_stream_like_from_the_file()
    {
        using FileStream stream = File.OpenRead(TokenizerFiles.SpieceModelPath);
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(stream, "embedded spiece.model");
        Assert.Equal("embedded spiece.model", tokenizer.SourceName);
        Assert.Equal([784, 7, 908, 1], tokenizer.EncodeToIds("[s]"));
    }

    [Fact]
    public void Loads_from_a_folder_preferring_spiece_model_then_tokenizer_json()
    {
        string onlyJson = Path.Combine(_folder, "json");
        Directory.CreateDirectory(onlyJson);
        File.Copy(TokenizerFiles.TokenizerJsonPath, Path.Combine(onlyJson, "tokenizer.json"));
        T5Tokenizer fromJson = T5Tokenizer.FromDirectory(onlyJson);
        Assert.EndsWith("tokenizer.json", fromJson.SourceName, StringComparison.Ordinal);
        Assert.Equal([8774, 296, 1], fromJson.EncodeToIds("Hello world"));

        File.Copy(TokenizerFiles.SpieceModelPath, Path.Combine(onlyJson, "spiece.model"));
        Assert.EndsWith("spiece.model", T5Tokenizer.FromDirectory(onlyJson).SourceName, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_both_files_when_a_folder_has_neither()
    {
        FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => T5Tokenizer.FromDirectory(_folder));
        Assert.Contains("spiece.model", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => T5Tokenizer.FromSentencePieceModel((string)null!));
        Assert.Throws<ArgumentNullException>(() => T5Tokenizer.FromSentencePieceModel(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => T5Tokenizer.FromTokenizerJson(null!));
        Assert.Throws<ArgumentNullException>(() => T5Tokenizer.FromDirectory(null!));
    }

    [Fact]
    public void Names_the_file_when_the_model_is_empty_truncated_or_not_a_model()
    {
        AssertModelError(WriteFile("empty.model", []), "empty");
        byte[] model = File.ReadAllBytes(TokenizerFiles.SpieceModelPath);
        AssertModelError(WriteFile("half.model", model[..(model.Length / 2)]), "past the end");
        AssertModelError(TokenizerFiles.TokenizerJsonPath, "not a valid SentencePiece model");
        AssertModelError(WriteFile("random.model", [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) ^ (i >> 3)))]), "SentencePiece model");
    }

    [Fact]
    public void Names_the_file_when_the_model_is_not_a_T5_unigram_model()
    {
        byte[] bpe = SentencePieceModelBuilder.WithT5Specials().Piece("\u2581", -1).ModelType(2).Build();
        AssertModelError(WriteFile("bpe.model", bpe), "model_type");

        byte[] noUnknown = new SentencePieceModelBuilder().Piece("<pad>", 0, 3).Piece("</s>", 0, 3).Piece("a", -1).Piece("b", -2).Build();
        AssertModelError(WriteFile("specials.model", noUnknown), "<unk>");

        byte[] badCharsMap = SentencePieceModelBuilder.WithT5Specials().Piece("\u2581", -1).Piece("a", -2).CharsMap([1, 2, 3]).Build();
        AssertModelError(WriteFile("charsmap.model", badCharsMap), "precompiled_charsmap");

        byte[] bigTrie = SentencePieceModelBuilder.WithT5Specials().Piece("\u2581", -1).Piece("a", -2).CharsMap([0, 1, 0, 0, 0, 0, 0, 0]).Build();
        AssertModelError(WriteFile("trie.model", bigTrie), "trie size");
    }

    [Fact]
    public void Encodes_with_a_small_model_without_normalization_map()
    {
        byte[] model = SentencePieceModelBuilder.WithT5Specials()
            .Piece("\u2581", -1).Piece("a", -2).Piece("b", -2).Piece("\u2581ab", -1.5f).Piece("ab", -5).Build();
        T5Tokenizer tokenizer = T5Tokenizer.FromSentencePieceModel(WriteFile("small.model", model));
        Assert.Equal(3 + 5 + 100, tokenizer.VocabularySize);
        Assert.Equal([6, 3, 4, 3, 5, 1], tokenizer.EncodeToIds("  ab   a   b  "));
        Assert.Equal([6, 3, 2, 1], tokenizer.EncodeToIds("ab x\u00E9y"));
        Assert.Equal("<extra_id_0>", tokenizer.IdToPiece(107));
    }

    [Fact]
    public void Names_the_file_when_tokenizer_json_is_wrong()
    {
        AssertJsonError(TokenizerFiles.SpieceModelPath, "not valid JSON");
        AssertJsonError(WriteFile("array.json", "[]"u8.ToArray()), "top level");
        AssertJsonError(WriteFile("bpe.json", """{"model":{"type":"BPE","vocab":{},"merges":[]}}"""u8.ToArray()), "'BPE'");
        AssertJsonError(WriteFile("vocab.json", """{"model":{"type":"Unigram","unk_id":2,"vocab":[["<pad>",0],["</s>"]]}}"""u8.ToArray()), "model.vocab[1]");
        AssertJsonError(WriteFile("unk.json", """{"model":{"type":"Unigram","vocab":[]}}"""u8.ToArray()), "model.unk_id is missing");
        AssertJsonError(
            WriteFile("sentinels.json", """{"model":{"type":"Unigram","unk_id":2,"vocab":[["<pad>",0],["</s>",0],["<unk>",0],["a",-1],["<extra_id_0>",0],["<extra_id_1>",0]]}}"""u8.ToArray()),
            "<extra_id_1>");
        AssertJsonError(
            WriteFile("charsmap.json", """{"normalizer":{"type":"Precompiled","precompiled_charsmap":"!!"},"model":{"type":"Unigram","unk_id":2,"vocab":[["<pad>",0],["</s>",0],["<unk>",0],["a",-1]]}}"""u8.ToArray()),
            "base64");
    }

    private static void AssertModelError(string path, string expected)
    {
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => T5Tokenizer.FromSentencePieceModel(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static void AssertJsonError(string path, string expected)
    {
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => T5Tokenizer.FromTokenizerJson(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private string WriteFile(string name, byte[] content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}

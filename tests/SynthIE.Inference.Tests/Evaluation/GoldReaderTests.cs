using System.IO.Compression;
using SynthIE.Inference.Evaluation;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Evaluation;

/// <summary>Reading gold JSON Lines in SynthIE's and REBEL's layouts, and failing clearly on bad lines.</summary>
public sealed class GoldReaderTests : IDisposable
{
    private readonly EvaluationFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Rebel_sample_is_detected_and_read_completely()
    {
        GoldDataset gold = GoldReader.Read(SharedData.File("data/rebel-sample/sample.jsonl"));

        Assert.Equal(GoldFormat.Rebel, gold.Format);
        Assert.Equal(1000, gold.Documents.Count);
        Assert.Equal(2868, gold.TripletCount);
        Assert.Equal(80, gold.Documents.Count(d => d.Triplets.Count == 0));
        Assert.Equal(0, gold.BlankLineCount);

        GoldDocument second = gold.Documents[1];
        Assert.Equal("30113992", second.Id);
        Assert.StartsWith("Chelopech Hill (, ", second.Text, StringComparison.Ordinal);
        Assert.Equal(
            [
                new LabelTriplet("Trinity Peninsula", "part of", "Graham Land"),
                new LabelTriplet("Trinity Peninsula", "continent", "Antarctica"),
                new LabelTriplet("Graham Land", "continent", "Antarctica"),
            ],
            second.Triplets);
        Assert.EndsWith("sample.jsonl:2", second.Source, StringComparison.Ordinal);
        Assert.Equal("29416319", gold.Documents[999].Id);
        Assert.Equal(new LabelTriplet("Indonesia", "capital", "Jakarta"), gold.Documents[999].Triplets[4]);
    }

    [Fact]
    public void First_lines_of_the_rebel_sample_read_as_a_file_of_their_own()
    {
        string[] firstLines = [.. File.ReadLines(SharedData.File("data/rebel-sample/sample.jsonl")).Take(5)];
        GoldDataset gold = GoldReader.Read(_files.WriteLines("first5.jsonl", firstLines));

        Assert.Equal(["30113940", "30113992", "30114533", "30120180", "29899115"], gold.Documents.Select(d => d.Id));
        Assert.Equal([1, 3, 3, 2, 4], gold.Documents.Select(d => d.Triplets.Count));
        Assert.Equal([new LabelTriplet("Transportation Journal", "publisher", "Penn State University Press")], gold.Documents[0].Triplets);
        // Literal objects keep REBEL's surface form.
        Assert.Equal(new LabelTriplet("David M. Louie", "date of birth", "October 8, 1951"), gold.Documents[3].Triplets[1]);
    }

    [Fact]
    public void SynthIE_layout_reads_numeric_ids_from_plain_and_gzipped_files_and_counts_blank_lines()
    {
        string plain = _files.Write("gold.jsonl",
            JsonLines.SynthIEGold(0, ("Journal of Colloid and Interface Science", "publisher", "Elsevier")) + "\n\n   \n" +
            JsonLines.SynthIEGold(1) + "\n");
        string gzipped = _files.PathOf("gold.jsonl.gz");
        using (FileStream output = File.Create(gzipped))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(File.ReadAllBytes(plain));
        }

        foreach (string path in new[] { plain, gzipped })
        {
            GoldDataset gold = GoldReader.Read(path);
            Assert.Equal(GoldFormat.SynthIE, gold.Format);
            Assert.Equal(["0", "1"], gold.Documents.Select(d => d.Id));
            Assert.Equal("Text of document 0.", gold.Documents[0].Text);
            Assert.Equal([new LabelTriplet("Journal of Colloid and Interface Science", "publisher", "Elsevier")], gold.Documents[0].Triplets);
            Assert.Empty(gold.Documents[1].Triplets);
            Assert.Equal(2, gold.BlankLineCount);
            Assert.EndsWith(":4", gold.Documents[1].Source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_truncated_gzipped_gold_file_fails_naming_the_line_reached_instead_of_scoring_fewer_documents()
    {
        string[] lines = [.. File.ReadLines(SharedData.File("data/rebel-sample/sample.jsonl")).Take(200)];
        string gzipped = _files.PathOf("gold.jsonl.gz");
        using (FileStream output = File.Create(gzipped))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        }

        byte[] whole = File.ReadAllBytes(gzipped);
        File.WriteAllBytes(gzipped, whole.AsSpan(0, whole.Length / 2).ToArray());
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => GoldReader.Read(gzipped));
        Assert.StartsWith(gzipped + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_gold_file_fails_naming_the_line_instead_of_being_replaced()
    {
        string path = _files.PathOf("gold.jsonl");
        byte[] first = System.Text.Encoding.UTF8.GetBytes(JsonLines.SynthIEGold(0) + "\n");
        byte[] second = System.Text.Encoding.UTF8.GetBytes(JsonLines.SynthIEGold(1).Replace("Text of", "Te\u00e9xt of", StringComparison.Ordinal) + "\n");
        int accent = Array.IndexOf(second, (byte)0xC3);
        second[accent + 1] = (byte)'x'; // 0xC3 followed by an ASCII byte: not UTF-8
        File.WriteAllBytes(path, [.. first, .. second]);

        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => GoldReader.Read(path));
        Assert.StartsWith(path + ":2: is not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": [", 1, "not valid JSON")]
    [InlineData("[1, 2]", 1, "the line must be a JSON object, not an array")]
    [InlineData("{\"id\": 1, \"text\": \"t\"}", 1, "neither \"triplets\" (SynthIE")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": [], \"triples\": []}", 1, "both \"triplets\" (SynthIE) and \"triples\" (REBEL)")]
    [InlineData("{\"text\": \"t\", \"triplets\": []}", 1, "required field \"id\" is missing")]
    [InlineData("{\"id\": null, \"text\": \"t\", \"triplets\": []}", 1, "field \"id\" must be a string or a number, not null")]
    [InlineData("{\"id\": 1, \"text\": 5, \"triplets\": []}", 1, "field \"text\" must be a string, not a number")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": {}}", 1, "field \"triplets\" must be a JSON array, not an object")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": [{\"subject\": {\"surfaceform\": \"A\"}, \"predicate\": {\"surfaceform\": \"r\"}}]}", 1, "required field \"triplets\"[0].object is missing")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": [{\"subject\": {\"surfaceform\": \"A\"}, \"predicate\": {\"surfaceform\": \" \"}, \"object\": {\"surfaceform\": \"B\"}}]}", 1, "field \"triplets\"[0].predicate.surfaceform is empty")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": []}\n{\"docid\": \"2\", \"text\": \"t\", \"triples\": []}", 2, "in REBEL's layout (\"triples\") but the file is read as SynthIE's")]
    [InlineData("{\"id\": 1, \"text\": \"t\", \"triplets\": []}\n\n{\"id\": \"1\", \"text\": \"u\", \"triplets\": []}", 3, "document id \"1\" is repeated (first on line 1)")]
    public void Bad_lines_fail_naming_the_file_line_and_field(string content, int line, string expected)
    {
        string path = _files.Write("bad.jsonl", content);
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => GoldReader.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith($"{path}:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_format_is_enforced_and_a_missing_file_is_named()
    {
        string rebel = _files.WriteLines("rebel.jsonl", "{\"docid\": \"7\", \"text\": \"t\", \"triples\": []}");
        Assert.Contains("in REBEL's layout", Assert.Throws<EvaluationDataException>(() => GoldReader.Read(rebel, GoldFormat.SynthIE)).Message, StringComparison.Ordinal);
        Assert.Equal("7", GoldReader.Read(rebel, GoldFormat.Rebel).Documents.Single().Id);

        string notGzip = _files.Write("plain-text.jsonl.gz", "{\"id\": 1}");
        Assert.Contains("is not valid gzip data", Assert.Throws<EvaluationDataException>(() => GoldReader.Read(notGzip)).Message, StringComparison.Ordinal);

        string missing = _files.PathOf("missing.jsonl");
        EvaluationDataException error = Assert.Throws<EvaluationDataException>(() => GoldReader.Read(missing));
        Assert.StartsWith($"{missing}: cannot be read", error.Message, StringComparison.Ordinal);
    }
}

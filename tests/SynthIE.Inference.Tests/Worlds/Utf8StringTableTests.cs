using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Tests.Worlds;

public sealed class Utf8StringTableTests
{
    [Fact]
    public void Strings_across_chunks_growth_and_trimming_read_back_exactly()
    {
        var table = new Utf8StringTable(4);
        var random = new Random(3);
        string[] strings = [.. Enumerable.Range(0, 4000).Select(i => $"{i}:" + new string((char)('a' + (i % 26)), random.Next(0, 1500)) + "é")];
        foreach (string text in strings)
        {
            table.Add(text, out bool added);
            Assert.True(added);
        }

        Assert.Equal(-1, table.IndexOf("missing"));
        Assert.Equal(0, table.Add(strings[0], out bool again));
        Assert.False(again);
        table.TrimExcess();
        Assert.True(table.ByteCount > 2 << 20, "the strings should span several 1 MiB chunks");
        for (int i = 0; i < strings.Length; i++)
        {
            Assert.Equal(strings[i], table[i]);
            Assert.Equal(i, table.IndexOf(strings[i]));
        }

        // Still usable after trimming.
        Assert.Equal(strings.Length, table.Add("after trimming", out _));
        Assert.Equal("after trimming", table[strings.Length]);
        Assert.Equal(strings[^1], table[strings.Length - 1]);
    }

    [Fact]
    public void Empty_strings_and_oversized_strings()
    {
        var table = new Utf8StringTable();
        Assert.Equal(0, table.Add(string.Empty, out _));
        Assert.Equal(1, table.Add("x", out _));
        Assert.Equal(string.Empty, table[0]);
        Assert.Equal(0, table.IndexOf(string.Empty));
        Assert.Throws<ArgumentException>(() => table.Add(new string('x', Utf8StringTable.MaxStringBytes + 1), out _));
    }
}

using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>
/// Reads a <c>.tsv</c> catalog: <c>id&lt;TAB&gt;label</c> a line, further columns ignored, a first line
/// <c>id&lt;TAB&gt;label</c> taken as a header, blank lines ignored.
/// </summary>
internal static class TsvCatalogReader
{
    /// <summary>Adds every entry of the file to <paramref name="builder"/>.</summary>
    /// <param name="builder">The catalog being built.</param>
    /// <param name="path">The file.</param>
    public static void AddTo(WorldCatalogBuilder builder, string path)
    {
        var ids = new Utf8TextScratch();
        var labels = new Utf8TextScratch();
        Utf8LineReader.ForEachLine(path, (line, number) => AddLine(builder, line, path, number, ids, labels));
    }

    private static void AddLine(WorldCatalogBuilder builder, ReadOnlySpan<byte> line, string path, long lineNumber, Utf8TextScratch ids, Utf8TextScratch labels)
    {
        if (WorldFileText.IsBlank(line))
        {
            return;
        }

        int tab = line.IndexOf((byte)'\t');
        if (tab < 0)
        {
            throw new WorldFileException(path, lineNumber, "expected 'id<TAB>label' but the line has no tab.");
        }

        ReadOnlySpan<byte> id = line[..tab].Trim(" "u8);
        ReadOnlySpan<byte> rest = line[(tab + 1)..];
        int nextTab = rest.IndexOf((byte)'\t');
        ReadOnlySpan<byte> label = nextTab < 0 ? rest : rest[..nextTab];
        if (lineNumber == 1 && id.SequenceEqual("id"u8) && label.Trim(" "u8).SequenceEqual("label"u8))
        {
            return;
        }

        if (id.IsEmpty)
        {
            throw new WorldFileException(path, lineNumber, "the id (first column) is empty.");
        }

        builder.Add(WorldFileText.Chars(ids, id, path, lineNumber), WorldFileText.Chars(labels, label, path, lineNumber), path, lineNumber);
    }
}

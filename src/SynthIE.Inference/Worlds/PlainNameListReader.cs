using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Worlds;

/// <summary>Reads a catalog of plain names, one a line (blank lines ignored); each name is its own id.</summary>
internal static class PlainNameListReader
{
    /// <summary>Adds every name of the file to <paramref name="builder"/>.</summary>
    /// <param name="builder">The catalog being built.</param>
    /// <param name="path">The file.</param>
    public static void AddTo(WorldCatalogBuilder builder, string path)
    {
        var labels = new Utf8TextScratch();
        Utf8LineReader.ForEachLine(path, (line, number) =>
        {
            if (!WorldFileText.IsBlank(line))
            {
                builder.AddName(WorldFileText.Chars(labels, line, path, number), path, number);
            }
        });
    }
}

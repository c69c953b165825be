namespace SynthIE.Inference;

/// <summary>One entry left out of a world catalog, with where it came from.</summary>
/// <param name="Kind">Why it was left out.</param>
/// <param name="FilePath">The file it was read from, or <see langword="null"/> when it was given in code.</param>
/// <param name="LineNumber">The 1-based line in <paramref name="FilePath"/>, or 0 when not from a line-based file.</param>
/// <param name="Id">The entry's id, if any.</param>
/// <param name="Label">The entry's label, if any.</param>
public sealed record WorldIssue(WorldIssueKind Kind, string? FilePath, long LineNumber, string? Id, string? Label)
{
    /// <summary>Returns a readable description.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        string where = FilePath is null ? "(given in code)" : LineNumber > 0 ? $"{FilePath}:{LineNumber}" : FilePath;
        return $"{where}: {Kind} (id '{Id}', label '{Label}')";
    }
}

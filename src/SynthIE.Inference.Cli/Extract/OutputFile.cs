using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// An output file of JSON Lines: refuses to replace an existing file unless asked (an empty one may be reused), and for
/// <c>--resume</c> reads the lines already written (<see cref="FinishedResults"/>). Nothing is changed on disk until
/// <see cref="Open"/>, which the result sink calls when it writes its first line, so a run that fails before any
/// result leaves no file behind and changes no existing one.
/// </summary>
internal sealed class OutputFile
{
    private OutputFile(string path, FinishedResults finished)
    {
        Path = path;
        Finished = finished;
    }

    /// <summary>Gets the full path.</summary>
    public string Path { get; }

    /// <summary>Gets the complete lines already in the file (resume only; none otherwise).</summary>
    public FinishedResults Finished { get; }

    /// <summary>Checks an output path and, to resume, reads what is there.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="resume">Whether to continue the file.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <param name="inputPath">The input file's full path (the output may not be the input), or <see langword="null"/>.</param>
    /// <returns>The output file.</returns>
    /// <exception cref="CliException">The path is a folder or the input, its folder is missing, a non-empty file exists
    /// without <paramref name="resume"/> or <paramref name="overwrite"/>, or a complete line is not one of this tool's lines.</exception>
    public static OutputFile Prepare(string path, bool resume, bool overwrite, string? inputPath)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new CliException($"{full} is a folder; --output takes a file path.");
        }

        if (inputPath is not null && string.Equals(full, inputPath, StringComparison.Ordinal))
        {
            throw CliException.Usage($"--output {full} is the input file; write the results to another file.");
        }

        string? folder = System.IO.Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new CliException($"the output's folder does not exist: {folder}");
        }

        if (!File.Exists(full) || new FileInfo(full).Length == 0)
        {
            return new OutputFile(full, FinishedResults.None(full));
        }

        if (!resume)
        {
            return overwrite
                ? new OutputFile(full, FinishedResults.None(full))
                : throw new CliException($"{full} already exists: pass --resume to continue it, or --overwrite to replace it.");
        }

        return new OutputFile(full, FinishedResults.Read(full));
    }

    /// <summary>Opens the file for writing: appended to after dropping a partial last line when resuming, created (or replaced) otherwise.</summary>
    /// <returns>The stream, positioned at the end.</returns>
    public FileStream Open()
    {
        try
        {
            if (Finished.Count > 0 || Finished.PartialBytes > 0)
            {
                var stream = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.Read);
                stream.SetLength(Finished.CompleteLength);
                stream.Seek(0, SeekOrigin.End);
                return stream;
            }

            return new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{Path}: cannot be written ({error.Message})", error);
        }
    }
}

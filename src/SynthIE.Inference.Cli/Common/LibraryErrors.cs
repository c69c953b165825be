using Microsoft.ML.OnnxRuntime;

namespace SynthIE.Inference.Cli.Common;

/// <summary>Which exceptions are the user's to fix (reported as one line), and how their messages are shortened to one line.</summary>
internal static class LibraryErrors
{
    /// <summary>Runs a library call whose argument errors come from the user's options, reporting them as usage errors.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="call">The call.</param>
    /// <returns>Its result.</returns>
    public static T Translate<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ArgumentException error)
        {
            throw CliException.Usage(OptionNames(OneLine(error.Message)));
        }
    }

    /// <summary>Returns whether an exception reports a mistake in the user's input rather than a bug.</summary>
    /// <param name="error">The exception.</param>
    /// <returns>Whether it is the user's to fix.</returns>
    public static bool IsUserError(Exception error) => error is CliException
        or SynthIEException
        or OnnxRuntimeException
        or IOException
        or UnauthorizedAccessException
        or InvalidDataException
        or NotSupportedException;

    /// <summary>
    /// Makes a message one printable line: its lines joined, control characters escaped, cut at
    /// <see cref="SafeText.MessageLimit"/> characters, without .NET's "(Parameter 'x')" suffix.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <returns>One line.</returns>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string line = message;
        int parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (parameter > 0 && line.IndexOf("')", parameter, StringComparison.Ordinal) is int end and > 0)
        {
            line = line[..parameter] + line[(end + 2)..];
        }

        return SafeText.OneLine(line);
    }

    /// <summary>Names the command-line options in a message about the library's extractor options.</summary>
    private static string OptionNames(string message)
    {
        foreach ((string property, string option) in (ReadOnlySpan<(string, string)>)[
            ("NumReturnSequences", "--return-sequences"), ("NumBeams", "--beams"), ("MaxNewTokens", "--max-new-tokens"),
            ("MaxInputTokens", "--max-input-tokens"), ("LengthPenalty", "--length-penalty"), ("MaxBatchSize", "--batch-size"),
            ("IntraOpThreads", "--threads"), ("CudaDeviceId", "--cuda-device"), ("TrieCacheDirectory", "--trie-cache"), ("WorldDirectory", "--world")])
        {
            message = message.Replace(property, option, StringComparison.Ordinal);
        }

        return message;
    }
}

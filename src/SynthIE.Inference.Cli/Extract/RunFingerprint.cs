using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// The fingerprint written in every result line (<c>"fingerprint"</c>): 16 hexadecimal digits of a SHA-256 over what
/// decides a text's result — the model (the contents of its <c>config.json</c>, <c>generation_config.json</c>,
/// <c>synthie.json</c> and tokenizer files, the names and sizes of its ONNX files, <c>--quantized</c>), the world (its
/// folder when <c>--world</c> is given, else <c>synthie.json</c>'s, and its name counts; none when unconstrained) and the
/// resolved decoding settings (linearization, beams, returned sequences, length penalty, token limits). How the work is
/// run (<c>--batch-size</c>, <c>--threads</c>, <c>--device</c>, <c>--trie-cache</c>) is left out: it does not change results.
/// Lines with different fingerprints come from runs whose results cannot be mixed.
/// </summary>
internal static class RunFingerprint
{
    private static readonly string[] HashedFiles =
        ["config.json", "generation_config.json", "synthie.json", "spiece.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>Computes the fingerprint of a loaded model with its settings.</summary>
    /// <param name="extractor">The loaded model.</param>
    /// <param name="worldDirectory">The <c>--world</c> folder given, or <see langword="null"/>.</param>
    /// <param name="quantized">Whether the quantized graphs were loaded.</param>
    /// <returns>16 lowercase hexadecimal digits.</returns>
    public static string Compute(SynthIEExtractor extractor, string? worldDirectory, bool quantized)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        var text = new StringBuilder("synthie-fingerprint 1\n");
        string model = extractor.ModelDirectory;
        foreach (string name in HashedFiles)
        {
            string path = Path.Combine(model, name);
            if (File.Exists(path))
            {
                text.Append(CultureInfo.InvariantCulture, $"file {name} {Convert.ToHexStringLower(HashFile(path))}\n");
            }
        }

        foreach (string path in Directory.EnumerateFiles(model, "*.onnx*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"onnx {Path.GetRelativePath(model, path)} {new FileInfo(path).Length}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"quantized {quantized}\n");
        text.Append(CultureInfo.InvariantCulture, $"constrained {extractor.IsConstrained}\n");
        if (extractor.IsConstrained)
        {
            text.Append(CultureInfo.InvariantCulture, $"world {worldDirectory ?? "(synthie.json's)"} {extractor.World}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"linearization {extractor.Linearization.Identifier}\n");
        text.Append(CultureInfo.InvariantCulture, $"beams {extractor.NumBeams} return {extractor.NumReturnSequences} length_penalty {extractor.LengthPenalty:R}\n");
        text.Append(CultureInfo.InvariantCulture, $"max_new_tokens {extractor.MaxNewTokens} max_input_tokens {extractor.MaxInputTokens}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    private static byte[] HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return SHA256.HashData(stream);
    }
}

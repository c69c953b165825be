namespace SynthIE.Inference.Model;

/// <summary>
/// The ONNX files of a T5 model in Hugging Face optimum's layout, found in a model directory or its <c>onnx/</c>
/// subfolder: <c>encoder_model.onnx</c> with either <c>decoder_model_merged.onnx</c> or the pair
/// <c>decoder_model.onnx</c> + <c>decoder_with_past_model.onnx</c>, optionally with a <c>_quantized</c> suffix.
/// </summary>
internal sealed class OnnxModelFiles
{
    private OnnxModelFiles(string encoder, string? merged, string? decoder, string? decoderWithPast)
    {
        Encoder = encoder;
        MergedDecoder = merged;
        Decoder = decoder;
        DecoderWithPast = decoderWithPast;
    }

    /// <summary>Gets the encoder graph.</summary>
    public string Encoder { get; }

    /// <summary>Gets the merged decoder graph (<c>If</c> over the two decoders), when used.</summary>
    public string? MergedDecoder { get; }

    /// <summary>Gets the decoder without past inputs, when the pair is used.</summary>
    public string? Decoder { get; }

    /// <summary>Gets the decoder with past inputs, when the pair is used.</summary>
    public string? DecoderWithPast { get; }

    /// <summary>Finds the files.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="quantized">Use the <c>_quantized</c> variants.</param>
    /// <param name="preferMerged">Use the merged decoder when both forms exist.</param>
    /// <returns>The files.</returns>
    /// <exception cref="ModelLoadException">A required file is missing; the message lists what was looked for.</exception>
    public static OnnxModelFiles Find(string directory, bool quantized, bool preferMerged)
    {
        string suffix = quantized ? "_quantized" : string.Empty;
        var searched = new List<string>();
        foreach (string folder in new[] { directory, Path.Combine(directory, "onnx") })
        {
            string encoder = Path.Combine(folder, $"encoder_model{suffix}.onnx");
            searched.Add(encoder);
            if (!File.Exists(encoder))
            {
                continue;
            }

            string merged = Path.Combine(folder, $"decoder_model_merged{suffix}.onnx");
            string decoder = Path.Combine(folder, $"decoder_model{suffix}.onnx");
            string withPast = Path.Combine(folder, $"decoder_with_past_model{suffix}.onnx");
            bool hasMerged = File.Exists(merged);
            bool hasPair = File.Exists(decoder) && File.Exists(withPast);
            if (hasMerged && (preferMerged || !hasPair))
            {
                return new OnnxModelFiles(encoder, merged, null, null);
            }

            if (hasPair)
            {
                return new OnnxModelFiles(encoder, null, decoder, withPast);
            }

            throw new ModelLoadException(folder,
                $"has {Path.GetFileName(encoder)} but no decoder: expected {Path.GetFileName(merged)}, or both {Path.GetFileName(decoder)} and {Path.GetFileName(withPast)}" +
                (File.Exists(decoder) || File.Exists(withPast) ? $" (only {(File.Exists(decoder) ? Path.GetFileName(decoder) : Path.GetFileName(withPast))} is there)." : "."));
        }

        throw new ModelLoadException(directory,
            $"no ONNX encoder found (looked for {string.Join(" and ", searched)}). Export the model with optimum " +
            "(task text2text-generation-with-past); see models/README.md.");
    }
}

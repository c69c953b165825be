namespace SynthIE.Inference.TestModels.T5;

/// <summary>The files <see cref="T5TestModel.Write(string, T5TestModelOptions)"/> (or its trained-weights overload) wrote (full paths).</summary>
/// <param name="Directory">The model directory.</param>
/// <param name="Encoder"><c>encoder_model.onnx</c>.</param>
/// <param name="Decoder"><c>decoder_model.onnx</c> (no past).</param>
/// <param name="DecoderWithPast"><c>decoder_with_past_model.onnx</c>.</param>
/// <param name="DecoderMerged"><c>decoder_model_merged.onnx</c>.</param>
/// <param name="Config"><c>config.json</c>.</param>
/// <param name="GenerationConfig"><c>generation_config.json</c>.</param>
/// <param name="TransformersJsDirectory">The <c>onnx/</c> folder with the transformers.js copies, or null when not written.</param>
public sealed record T5TestModelFiles(
    string Directory,
    string Encoder,
    string Decoder,
    string DecoderWithPast,
    string DecoderMerged,
    string Config,
    string GenerationConfig,
    string? TransformersJsDirectory);

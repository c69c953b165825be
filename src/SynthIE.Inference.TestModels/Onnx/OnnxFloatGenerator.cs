namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>Fills a float tensor's values when the tensor is written (so large weights never sit in memory all at once).</summary>
/// <param name="destination">The tensor's values in row-major order, to be overwritten entirely.</param>
public delegate void OnnxFloatGenerator(Span<float> destination);

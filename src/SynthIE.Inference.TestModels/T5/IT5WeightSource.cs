using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Where a written T5's weights come from: the seeded generator (<see cref="T5WeightGenerator"/>) or a trained
/// weights file (<see cref="T5TrainedWeights"/>). Tensors are named as <see cref="T5WeightNames"/> says, linear weights
/// as [in, out].
/// </summary>
internal interface IT5WeightSource
{
    /// <summary>Adds the encoder's initializers (bucket table, embedding, encoder stack) to the graph.</summary>
    void AddEncoderWeights(OnnxGraphBuilder graph);

    /// <summary>Adds the decoder's initializers; <paramref name="crossKeyValue"/>: with the cross-attention k/v projections.</summary>
    void AddDecoderWeights(OnnxGraphBuilder graph, bool crossKeyValue);

    /// <summary>Gets the values of one weight ([in, out] for linear weights).</summary>
    float[] Values(string name);

    /// <summary>Gets the text written as <c>synthie_test_model.generator</c> in <c>config.json</c>.</summary>
    string Description { get; }
}

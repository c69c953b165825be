using SynthIE.Inference.TestModels.Onnx;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Writes a seeded-random T5 (v1.1 / flan-t5 architecture) in Hugging Face optimum's ONNX layout for
/// <c>text2text-generation-with-past</c>: <c>encoder_model.onnx</c>, <c>decoder_model.onnx</c>,
/// <c>decoder_with_past_model.onnx</c>, <c>decoder_model_merged.onnx</c>, <c>config.json</c> and
/// <c>generation_config.json</c>; optionally an <c>onnx/</c> copy for transformers.js. No tokenizer files.
/// </summary>
/// <remarks>
/// Tensor names, input/output order, dtypes and symbolic dimensions follow optimum 1.x (opset 14). The merged decoder is one
/// <c>If</c> node on <c>use_cache_branch</c> whose branches read the weights from the main graph; in the cache branch the
/// <c>present.*.encoder.*</c> outputs are empty constants of shape [0, heads, 1, d_kv], as optimum writes them.
/// </remarks>
public static class T5TestModel
{
    /// <summary>File name of the encoder graph.</summary>
    public const string EncoderFileName = "encoder_model.onnx";

    /// <summary>File name of the decoder graph without past inputs.</summary>
    public const string DecoderFileName = "decoder_model.onnx";

    /// <summary>File name of the decoder graph with past inputs.</summary>
    public const string DecoderWithPastFileName = "decoder_with_past_model.onnx";

    /// <summary>File name of the merged decoder graph.</summary>
    public const string DecoderMergedFileName = "decoder_model_merged.onnx";

    /// <summary>Opset of the written graphs (optimum 1.x's default for T5).</summary>
    public const int Opset = 14;

    /// <summary>Graphs whose weights reach this size keep them in <c>*.onnx_data</c> (protobuf cannot exceed 2 GiB).</summary>
    public const long ExternalDataThresholdBytes = (1L << 31) - (64L << 20);

    private const string Batch = "batch_size";
    private const string EncoderLength = "encoder_sequence_length";
    private const string DecoderLength = "decoder_sequence_length";
    private const string PastDecoderLength = "past_decoder_sequence_length";
    private const string PresentDecoderLength = "past_decoder_sequence_length + 1";
    private const string EncoderKvLength = "encoder_sequence_length_out";

    /// <summary>Writes the model into <paramref name="directory"/> (created if needed; existing files are overwritten).</summary>
    /// <param name="directory">Destination folder.</param>
    /// <param name="options">Shape, seed and scales; see the presets on <see cref="T5TestModelOptions"/>.</param>
    /// <returns>The paths written.</returns>
    public static T5TestModelFiles Write(string directory, T5TestModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Write(directory, options, new T5WeightGenerator(options));
    }

    /// <summary>
    /// Writes a model whose weights come from a trained weights file (see <see cref="T5TrainedWeights"/>) into
    /// <paramref name="directory"/>, in the same layout as the generated models.
    /// </summary>
    /// <param name="directory">Destination folder.</param>
    /// <param name="weights">The trained weights; their <see cref="T5TrainedWeights.Options"/> give the shape.</param>
    /// <param name="writeTransformersJsLayout">Whether to write the <c>onnx/</c> copies for transformers.js too.</param>
    /// <returns>The paths written.</returns>
    public static T5TestModelFiles Write(string directory, T5TrainedWeights weights, bool writeTransformersJsLayout = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(weights);
        return Write(directory, weights.Options with { WriteTransformersJsLayout = writeTransformersJsLayout }, weights);
    }

    private static T5TestModelFiles Write(string directory, T5TestModelOptions options, IT5WeightSource weights)
    {
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);

        var files = new T5TestModelFiles(
            root,
            Path.Combine(root, EncoderFileName),
            Path.Combine(root, DecoderFileName),
            Path.Combine(root, DecoderWithPastFileName),
            Path.Combine(root, DecoderMergedFileName),
            Path.Combine(root, "config.json"),
            Path.Combine(root, "generation_config.json"),
            options.WriteTransformersJsLayout ? Path.Combine(root, "onnx") : null);

        Save(files.Encoder, BuildEncoder(options, weights), options);
        Save(files.Decoder, BuildDecoder(options, weights, withPast: false), options);
        Save(files.DecoderWithPast, BuildDecoder(options, weights, withPast: true), options);
        Save(files.DecoderMerged, BuildMergedDecoder(options, weights), options);
        T5ConfigFiles.WriteConfig(files.Config, options, weights.Description, seeded: weights is T5WeightGenerator);
        T5ConfigFiles.WriteGenerationConfig(files.GenerationConfig);

        if (files.TransformersJsDirectory is { } onnxDirectory)
        {
            Directory.CreateDirectory(onnxDirectory);
            foreach (string source in new[] { files.Encoder, files.DecoderMerged })
            {
                string target = Path.Combine(onnxDirectory, Path.GetFileName(source));
                File.Copy(source, target, overwrite: true);
                string data = source + OnnxModelWriter.ExternalDataSuffix;
                if (File.Exists(data))
                {
                    File.Copy(data, target + OnnxModelWriter.ExternalDataSuffix, overwrite: true);
                }
                else
                {
                    File.Delete(target + OnnxModelWriter.ExternalDataSuffix);
                }
            }
        }

        return files;
    }

    private static void Save(string path, OnnxGraphBuilder graph, T5TestModelOptions options)
        => OnnxModelWriter.Write(path, graph, Opset, options.AlwaysUseExternalData || graph.InitializerBytes >= ExternalDataThresholdBytes);

    private static OnnxGraphBuilder BuildEncoder(T5TestModelOptions o, IT5WeightSource weights)
    {
        var g = new OnnxGraphBuilder("encoder");
        weights.AddEncoderWeights(g);
        g.AddInput(T5TensorNames.InputIds, OnnxElementType.Int64, Batch, EncoderLength);
        g.AddInput(T5TensorNames.AttentionMask, OnnxElementType.Int64, Batch, EncoderLength);
        new T5GraphComposer(g, o).Encoder(T5TensorNames.InputIds, T5TensorNames.AttentionMask, T5TensorNames.LastHiddenState);
        g.AddOutput(T5TensorNames.LastHiddenState, OnnxElementType.Float, Batch, EncoderLength, o.DModel);
        return g;
    }

    private static OnnxGraphBuilder BuildDecoder(T5TestModelOptions o, IT5WeightSource weights, bool withPast)
    {
        var g = new OnnxGraphBuilder(withPast ? "decoder_with_past" : "decoder");
        weights.AddDecoderWeights(g, crossKeyValue: !withPast);
        AddDecoderInputs(g, o, withPast ? 1 : DecoderLength, withPast);
        new T5GraphComposer(g, o).Decoder(withPast, writeEncoderPresents: !withPast, name => name);
        AddDecoderOutputs(g, o, name => name, withPast ? 1 : DecoderLength, withEncoderPresents: !withPast, emptyEncoderPresents: false);
        return g;
    }

    private static OnnxGraphBuilder BuildMergedDecoder(T5TestModelOptions o, IT5WeightSource weights)
    {
        var g = new OnnxGraphBuilder("decoder_merged");
        weights.AddDecoderWeights(g, crossKeyValue: true);
        AddDecoderInputs(g, o, DecoderLength, withPast: true);
        g.AddInput(T5TensorNames.UseCacheBranch, OnnxElementType.Bool, 1);

        const string ThenPrefix = "with_past/";
        var withPastBranch = new OnnxGraphBuilder("decoder_with_past_branch", ThenPrefix);
        new T5GraphComposer(withPastBranch, o).Decoder(withPast: true, writeEncoderPresents: false, name => ThenPrefix + name);
        for (int layer = 0; layer < o.NumDecoderLayers; layer++)
        {
            foreach (string name in new[] { T5TensorNames.PresentKey(layer, "encoder"), T5TensorNames.PresentValue(layer, "encoder") })
            {
                OnnxTensor empty = OnnxTensor.FromFloats(ThenPrefix + name + "/empty", [], 0, o.NumHeads, 1, o.DKv);
                withPastBranch.OpInto("Constant", [], [ThenPrefix + name], OnnxAttributeValue.Tensor("value", empty));
            }
        }

        AddDecoderOutputs(withPastBranch, o, name => ThenPrefix + name, DecoderLength, withEncoderPresents: true, emptyEncoderPresents: true);

        const string ElsePrefix = "no_past/";
        var noPastBranch = new OnnxGraphBuilder("decoder_branch", ElsePrefix);
        new T5GraphComposer(noPastBranch, o).Decoder(withPast: false, writeEncoderPresents: true, name => ElsePrefix + name);
        AddDecoderOutputs(noPastBranch, o, name => ElsePrefix + name, DecoderLength, withEncoderPresents: true, emptyEncoderPresents: false);

        g.OpInto("If", [T5TensorNames.UseCacheBranch], [.. DecoderOutputNames(o, withEncoderPresents: true)],
            OnnxAttributeValue.Graph("then_branch", withPastBranch),
            OnnxAttributeValue.Graph("else_branch", noPastBranch));
        AddDecoderOutputs(g, o, name => name, DecoderLength, withEncoderPresents: true, emptyEncoderPresents: false);
        return g;
    }

    /// <summary>encoder_attention_mask, input_ids, encoder_hidden_states, then (with past) 4 past KVs per layer.</summary>
    private static void AddDecoderInputs(OnnxGraphBuilder g, T5TestModelOptions o, object inputLength, bool withPast)
    {
        g.AddInput(T5TensorNames.EncoderAttentionMask, OnnxElementType.Int64, Batch, EncoderLength);
        g.AddInput(T5TensorNames.InputIds, OnnxElementType.Int64, Batch, inputLength);
        g.AddInput(T5TensorNames.EncoderHiddenStates, OnnxElementType.Float, Batch, EncoderLength, o.DModel);
        if (!withPast)
        {
            return;
        }

        for (int layer = 0; layer < o.NumDecoderLayers; layer++)
        {
            g.AddInput(T5TensorNames.PastKey(layer, "decoder"), OnnxElementType.Float, Batch, o.NumHeads, PastDecoderLength, o.DKv);
            g.AddInput(T5TensorNames.PastValue(layer, "decoder"), OnnxElementType.Float, Batch, o.NumHeads, PastDecoderLength, o.DKv);
            g.AddInput(T5TensorNames.PastKey(layer, "encoder"), OnnxElementType.Float, Batch, o.NumHeads, EncoderKvLength, o.DKv);
            g.AddInput(T5TensorNames.PastValue(layer, "encoder"), OnnxElementType.Float, Batch, o.NumHeads, EncoderKvLength, o.DKv);
        }
    }

    /// <summary>logits, then per layer present decoder key/value and (unless omitted) encoder key/value.</summary>
    private static void AddDecoderOutputs(OnnxGraphBuilder g, T5TestModelOptions o, Func<string, string> rename, object logitsLength, bool withEncoderPresents, bool emptyEncoderPresents)
    {
        g.AddOutput(rename(T5TensorNames.Logits), OnnxElementType.Float, Batch, logitsLength, o.VocabSize);
        for (int layer = 0; layer < o.NumDecoderLayers; layer++)
        {
            g.AddOutput(rename(T5TensorNames.PresentKey(layer, "decoder")), OnnxElementType.Float, Batch, o.NumHeads, PresentDecoderLength, o.DKv);
            g.AddOutput(rename(T5TensorNames.PresentValue(layer, "decoder")), OnnxElementType.Float, Batch, o.NumHeads, PresentDecoderLength, o.DKv);
            if (!withEncoderPresents)
            {
                continue;
            }

            object[] encoderDims = emptyEncoderPresents ? [0, o.NumHeads, 1, o.DKv] : [Batch, o.NumHeads, EncoderKvLength, o.DKv];
            g.AddOutput(rename(T5TensorNames.PresentKey(layer, "encoder")), OnnxElementType.Float, encoderDims);
            g.AddOutput(rename(T5TensorNames.PresentValue(layer, "encoder")), OnnxElementType.Float, encoderDims);
        }
    }

    private static List<string> DecoderOutputNames(T5TestModelOptions o, bool withEncoderPresents)
    {
        var names = new List<string> { T5TensorNames.Logits };
        for (int layer = 0; layer < o.NumDecoderLayers; layer++)
        {
            names.Add(T5TensorNames.PresentKey(layer, "decoder"));
            names.Add(T5TensorNames.PresentValue(layer, "decoder"));
            if (withEncoderPresents)
            {
                names.Add(T5TensorNames.PresentKey(layer, "encoder"));
                names.Add(T5TensorNames.PresentValue(layer, "encoder"));
            }
        }

        return names;
    }
}

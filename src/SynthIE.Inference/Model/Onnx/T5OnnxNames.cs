using System.Globalization;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// The input and output names of optimum's T5 ONNX graphs for a given decoder layer count, built once per model and
/// shared by the validation at load time and the decoder steps. The decoder's input lists are in the order the decoder
/// fills them: <see cref="EncoderAttentionMask"/>, <see cref="DecoderInputIds"/>, <see cref="EncoderHiddenStates"/>, then
/// the self-attention past (key, value per layer), the cross-attention past, and for the merged decoder
/// <see cref="UseCacheBranch"/>.
/// </summary>
internal sealed class T5OnnxNames
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string LastHiddenState = "last_hidden_state";
    public const string EncoderAttentionMask = "encoder_attention_mask";
    public const string DecoderInputIds = "input_ids";
    public const string EncoderHiddenStates = "encoder_hidden_states";
    public const string UseCacheBranch = "use_cache_branch";
    public const string Logits = "logits";
    public const string PastPrefix = "past_key_values.";
    public const string PresentPrefix = "present.";

    /// <summary>Builds the names for <paramref name="layers"/> decoder layers.</summary>
    /// <param name="layers">The decoder layer count.</param>
    /// <param name="merged">Whether the decoder is the merged graph (which takes the past at the first step too, and <see cref="UseCacheBranch"/>).</param>
    public T5OnnxNames(int layers, bool merged)
    {
        Layers = layers;
        var selfPresent = new List<string>();
        var crossPresent = new List<string>();
        var selfPast = new List<string>();
        var crossPast = new List<string>();
        for (int layer = 0; layer < layers; layer++)
        {
            foreach (string kind in new[] { "key", "value" })
            {
                selfPresent.Add(Name(PresentPrefix, layer, "decoder", kind));
                crossPresent.Add(Name(PresentPrefix, layer, "encoder", kind));
                selfPast.Add(Name(PastPrefix, layer, "decoder", kind));
                crossPast.Add(Name(PastPrefix, layer, "encoder", kind));
            }
        }

        SelfAttentionPast = [.. selfPast];
        CrossAttentionPast = [.. crossPast];
        SelfAttentionPresent = [.. selfPresent];
        CrossAttentionPresent = [.. crossPresent];
        string[] common = [EncoderAttentionMask, DecoderInputIds, EncoderHiddenStates];
        StepInputs = merged ? [.. common, .. selfPast, .. crossPast, UseCacheBranch] : [.. common, .. selfPast, .. crossPast];
        FirstStepInputs = merged ? StepInputs : common;
        StepOutputs = [Logits, .. selfPresent];
        FirstStepOutputs = [Logits, .. selfPresent, .. crossPresent];
    }

    /// <summary>Gets the encoder's inputs.</summary>
    public static string[] EncoderInputs { get; } = [InputIds, AttentionMask];

    /// <summary>Gets the encoder's outputs.</summary>
    public static string[] EncoderOutputs { get; } = [LastHiddenState];

    /// <summary>Gets the decoder layer count.</summary>
    public int Layers { get; }

    /// <summary>Gets the self-attention past inputs, key and value per layer (2 × layers).</summary>
    public string[] SelfAttentionPast { get; }

    /// <summary>Gets the cross-attention past inputs, key and value per layer (2 × layers).</summary>
    public string[] CrossAttentionPast { get; }

    /// <summary>Gets the self-attention present outputs, key and value per layer (2 × layers).</summary>
    public string[] SelfAttentionPresent { get; }

    /// <summary>Gets the cross-attention present outputs, key and value per layer (2 × layers).</summary>
    public string[] CrossAttentionPresent { get; }

    /// <summary>Gets the inputs of the first decoder step (no past, except the merged decoder's empty one).</summary>
    public string[] FirstStepInputs { get; }

    /// <summary>Gets the outputs of the first decoder step: logits, self- and cross-attention presents.</summary>
    public string[] FirstStepOutputs { get; }

    /// <summary>Gets the inputs of the later decoder steps.</summary>
    public string[] StepInputs { get; }

    /// <summary>Gets the outputs of the later decoder steps: logits and self-attention presents.</summary>
    public string[] StepOutputs { get; }

    private static string Name(string prefix, int layer, string part, string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{layer}.{part}.{kind}");
}

using System.Globalization;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>Input and output names of optimum's T5 ONNX export (<c>text2text-generation-with-past</c>).</summary>
public static class T5TensorNames
{
    /// <summary>Token ids (encoder input, or decoder input ids).</summary>
    public const string InputIds = "input_ids";

    /// <summary>Encoder padding mask (encoder input).</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>Encoder output.</summary>
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>Encoder padding mask (decoder input).</summary>
    public const string EncoderAttentionMask = "encoder_attention_mask";

    /// <summary>Encoder output (decoder input).</summary>
    public const string EncoderHiddenStates = "encoder_hidden_states";

    /// <summary>Branch selector of the merged decoder: bool [1], true = with past.</summary>
    public const string UseCacheBranch = "use_cache_branch";

    /// <summary>Decoder output: raw scores [batch, seq, vocab].</summary>
    public const string Logits = "logits";

    /// <summary>The past key of a layer; <paramref name="kind"/> is <c>decoder</c> (self-attention) or <c>encoder</c> (cross-attention).</summary>
    /// <param name="layer">Decoder layer.</param>
    /// <param name="kind"><c>decoder</c> or <c>encoder</c>.</param>
    /// <returns>The name.</returns>
    public static string PastKey(int layer, string kind) => Kv("past_key_values", layer, kind, "key");

    /// <summary>The past value of a layer.</summary>
    /// <param name="layer">Decoder layer.</param>
    /// <param name="kind"><c>decoder</c> or <c>encoder</c>.</param>
    /// <returns>The name.</returns>
    public static string PastValue(int layer, string kind) => Kv("past_key_values", layer, kind, "value");

    /// <summary>The present key of a layer.</summary>
    /// <param name="layer">Decoder layer.</param>
    /// <param name="kind"><c>decoder</c> or <c>encoder</c>.</param>
    /// <returns>The name.</returns>
    public static string PresentKey(int layer, string kind) => Kv("present", layer, kind, "key");

    /// <summary>The present value of a layer.</summary>
    /// <param name="layer">Decoder layer.</param>
    /// <param name="kind"><c>decoder</c> or <c>encoder</c>.</param>
    /// <returns>The name.</returns>
    public static string PresentValue(int layer, string kind) => Kv("present", layer, kind, "value");

    private static string Kv(string prefix, int layer, string kind, string part)
        => string.Create(CultureInfo.InvariantCulture, $"{prefix}.{layer}.{kind}.{part}");
}

using System.Globalization;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>
/// Initializer names: Hugging Face's parameter names (<c>encoder.block.0.layer.0.SelfAttention.q.weight</c>, …).
/// Linear weights are stored transposed, as [in, out], so that the graph multiplies <c>x · W</c>.
/// </summary>
internal static class T5WeightNames
{
    public const string SharedEmbedding = "shared.weight";
    public const string LmHead = "lm_head.weight";
    public const string EncoderBucketTable = "encoder.relative_position_bucket_table";
    public const string DecoderBucketTable = "decoder.relative_position_bucket_table";

    /// <summary>Self-attention (<c>layer.0.SelfAttention</c>) or cross-attention (<c>layer.1.EncDecAttention</c>) projection.</summary>
    public static string Attention(string stack, int block, bool cross, string projection)
        => Block(stack, block, cross ? "1.EncDecAttention" : "0.SelfAttention") + $"{projection}.weight";

    /// <summary>The relative position bias table [num_buckets, num_heads] of block 0, shared by all blocks.</summary>
    public static string RelativeAttentionBias(string stack) => Block(stack, 0, "0.SelfAttention") + "relative_attention_bias.weight";

    /// <summary>Layer norm of sub-layer <paramref name="subLayer"/> (encoder: 0 attention, 1 FF; decoder: 0 self, 1 cross, 2 FF).</summary>
    public static string LayerNorm(string stack, int block, int subLayer)
        => Block(stack, block, subLayer.ToString(CultureInfo.InvariantCulture) + ".") + "layer_norm.weight";

    /// <summary>A feed-forward projection (<c>wi_0</c>, <c>wi_1</c>, <c>wi</c> or <c>wo</c>).</summary>
    public static string FeedForward(string stack, int block, string projection)
        => Block(stack, block, (stack == "encoder" ? "1" : "2") + ".DenseReluDense") + $"{projection}.weight";

    public static string FinalLayerNorm(string stack) => $"{stack}.final_layer_norm.weight";

    private static string Block(string stack, int block, string layer)
    {
        string sep = layer.EndsWith('.') ? string.Empty : ".";
        return string.Create(CultureInfo.InvariantCulture, $"{stack}.block.{block}.layer.{layer}{sep}");
    }
}

using System.Globalization;
using System.Text.Json;

namespace SynthIE.Inference.TestModels.T5;

/// <summary>Writes <c>config.json</c> (Hugging Face <c>T5Config</c> fields, keys sorted as <c>save_pretrained</c> does) and <c>generation_config.json</c>.</summary>
internal static class T5ConfigFiles
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static void WriteConfig(string path, T5TestModelOptions o, string generator, bool seeded)
    {
        using FileStream stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, Indented);
        w.WriteStartObject();
        w.WriteStartArray("architectures");
        w.WriteStringValue("T5ForConditionalGeneration");
        w.WriteEndArray();
        w.WriteNumber("d_ff", o.DFf);
        w.WriteNumber("d_kv", o.DKv);
        w.WriteNumber("d_model", o.DModel);
        w.WriteNumber("decoder_start_token_id", 0);
        w.WriteString("dense_act_fn", o.IsGatedFeedForward ? "gelu_new" : "relu");
        w.WriteNumber("dropout_rate", 0.1);
        w.WriteNumber("eos_token_id", T5WeightGenerator.EosTokenId);
        w.WriteString("feed_forward_proj", o.FeedForwardProj);
        w.WriteNumber("initializer_factor", ShortestDouble(o.WeightScale));
        w.WriteBoolean("is_encoder_decoder", true);
        w.WriteBoolean("is_gated_act", o.IsGatedFeedForward);
        w.WriteNumber("layer_norm_epsilon", ShortestDouble(o.LayerNormEpsilon));
        w.WriteString("model_type", "t5");
        w.WriteNumber("num_decoder_layers", o.NumDecoderLayers);
        w.WriteNumber("num_heads", o.NumHeads);
        w.WriteNumber("num_layers", o.NumLayers);
        w.WriteBoolean("output_past", true);
        w.WriteNumber("pad_token_id", 0);
        w.WriteNumber("relative_attention_max_distance", o.RelativeAttentionMaxDistance);
        w.WriteNumber("relative_attention_num_buckets", o.RelativeAttentionNumBuckets);
        w.WriteStartObject("synthie_test_model");
        w.WriteString("generator", generator);
        if (seeded)
        {
            w.WriteNumber("seed", o.Seed);
            w.WriteNumber("logit_std", ShortestDouble(o.LogitStd));
            w.WriteNumber("eos_target_length", o.EosTargetLength);
        }

        w.WriteEndObject();
        w.WriteBoolean("tie_word_embeddings", false);
        w.WriteString("torch_dtype", "float32");
        w.WriteBoolean("use_cache", true);
        w.WriteNumber("vocab_size", o.VocabSize);
        w.WriteEndObject();
    }

    public static void WriteGenerationConfig(string path)
    {
        using FileStream stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, Indented);
        w.WriteStartObject();
        w.WriteNumber("decoder_start_token_id", 0);
        w.WriteNumber("eos_token_id", T5WeightGenerator.EosTokenId);
        w.WriteNumber("pad_token_id", 0);
        w.WriteEndObject();
    }

    /// <summary>The double whose shortest text equals the float's (1e-6f → 1E-06, not 9.99999997E-07).</summary>
    private static double ShortestDouble(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

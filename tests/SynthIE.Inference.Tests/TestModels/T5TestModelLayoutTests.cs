using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>
/// The generated files, tensor names, order, dtypes and shapes are optimum's (decoding-spec §1), as ONNX Runtime reads them back.
/// Tiny model: L = 2 decoder layers, H = 4 heads, D = 8, M = 32, V = 32128.
/// </summary>
public sealed class T5TestModelLayoutTests : IClassFixture<TinyT5ModelFixture>
{
    private readonly TinyT5ModelFixture _model;

    public T5TestModelLayoutTests(TinyT5ModelFixture model) => _model = model;

    [Fact]
    public void Writes_the_optimum_file_set()
    {
        string[] names = [.. Directory.GetFiles(_model.Files.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(
            ["config.json", "decoder_model.onnx", "decoder_model_merged.onnx", "decoder_with_past_model.onnx", "encoder_model.onnx", "generation_config.json"],
            names);
        Assert.False(Directory.Exists(Path.Combine(_model.Files.Directory, "onnx")));
        Assert.Null(_model.Files.TransformersJsDirectory);
    }

    [Fact]
    public void Encoder_inputs_and_outputs()
    {
        InferenceSession s = _model.Sessions.Encoder;
        Assert.Equal(
            ["input_ids:Int64[batch_size,encoder_sequence_length]", "attention_mask:Int64[batch_size,encoder_sequence_length]"],
            Describe(s.InputNames, s.InputMetadata));
        Assert.Equal(["last_hidden_state:Float[batch_size,encoder_sequence_length,32]"], Describe(s.OutputNames, s.OutputMetadata));
    }

    [Fact]
    public void Decoder_without_past_inputs_and_outputs()
    {
        InferenceSession s = _model.Sessions.Decoder;
        Assert.Equal(DecoderInputs("decoder_sequence_length"), Describe(s.InputNames, s.InputMetadata));
        Assert.Equal(DecoderOutputs("decoder_sequence_length", encoderPresents: true), Describe(s.OutputNames, s.OutputMetadata));
    }

    [Fact]
    public void Decoder_with_past_keeps_encoder_hidden_states_and_omits_encoder_presents()
    {
        InferenceSession s = _model.Sessions.DecoderWithPast;
        Assert.Equal([.. DecoderInputs("1"), .. PastInputs()], Describe(s.InputNames, s.InputMetadata));
        Assert.Equal(DecoderOutputs("1", encoderPresents: false), Describe(s.OutputNames, s.OutputMetadata));
    }

    [Fact]
    public void Merged_decoder_inputs_end_with_use_cache_branch_and_outputs_match_the_decoder()
    {
        InferenceSession s = _model.Sessions.DecoderMerged;
        Assert.Equal(
            [.. DecoderInputs("decoder_sequence_length"), .. PastInputs(), "use_cache_branch:Bool[1]"],
            Describe(s.InputNames, s.InputMetadata));
        Assert.Equal(DecoderOutputs("decoder_sequence_length", encoderPresents: true), Describe(s.OutputNames, s.OutputMetadata));
    }

    [Fact]
    public void Merged_decoder_is_one_if_node_over_two_branches()
    {
        // ONNX ModelProto: graph = field 7; GraphProto: node = field 1; NodeProto: op_type = field 4, attribute = field 5.
        byte[] model = File.ReadAllBytes(_model.Files.DecoderMerged);
        List<byte[]> nodes = ProtobufFields(ProtobufFields(model, 7).Single(), 1);
        byte[] ifNode = Assert.Single(nodes, n => ProtobufStrings(n, 4).Single() == "If");
        Assert.Equal(["then_branch", "else_branch"], ProtobufFields(ifNode, 5).Select(a => ProtobufStrings(a, 1).Single()));
    }

    [Fact]
    public void Config_json_has_the_t5_fields_a_loader_needs()
    {
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(_model.Files.Config));
        JsonElement c = config.RootElement;
        Assert.Equal("t5", c.GetProperty("model_type").GetString());
        Assert.Equal(["T5ForConditionalGeneration"], c.GetProperty("architectures").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(32, c.GetProperty("d_model").GetInt32());
        Assert.Equal(8, c.GetProperty("d_kv").GetInt32());
        Assert.Equal(64, c.GetProperty("d_ff").GetInt32());
        Assert.Equal(4, c.GetProperty("num_heads").GetInt32());
        Assert.Equal(2, c.GetProperty("num_layers").GetInt32());
        Assert.Equal(2, c.GetProperty("num_decoder_layers").GetInt32());
        Assert.Equal(32128, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(0, c.GetProperty("decoder_start_token_id").GetInt32());
        Assert.Equal(1, c.GetProperty("eos_token_id").GetInt32());
        Assert.Equal(0, c.GetProperty("pad_token_id").GetInt32());
        Assert.True(c.GetProperty("is_encoder_decoder").GetBoolean());
        Assert.False(c.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal("gated-gelu", c.GetProperty("feed_forward_proj").GetString());
        Assert.Equal(32, c.GetProperty("relative_attention_num_buckets").GetInt32());
        Assert.Equal(128, c.GetProperty("relative_attention_max_distance").GetInt32());
        Assert.Equal(1e-6, c.GetProperty("layer_norm_epsilon").GetDouble());

        using JsonDocument generation = JsonDocument.Parse(File.ReadAllText(_model.Files.GenerationConfig));
        Assert.Equal(
            ["decoder_start_token_id=0", "eos_token_id=1", "pad_token_id=0"],
            generation.RootElement.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}"));
    }

    [Fact]
    public void Tiny_preset_parameter_count()
    {
        // shared + lm_head 2·32128·32, encoder 2·(4·32·32 + 3·32·64 + 2·32) + 32·4 + 32, decoder 2·(8·32·32 + 3·32·64 + 3·32) + 32·4 + 32.
        Assert.Equal(2_056_192 + 20_768 + 29_024, T5TestModelOptions.Tiny.ParameterCount);
        Assert.Equal(247_577_856, T5TestModelOptions.FlanT5Base.ParameterCount);
        Assert.Equal(783_150_080, T5TestModelOptions.FlanT5Large.ParameterCount);
    }

    private static List<string> DecoderInputs(string inputLength) =>
    [
        "encoder_attention_mask:Int64[batch_size,encoder_sequence_length]",
        $"input_ids:Int64[batch_size,{inputLength}]",
        "encoder_hidden_states:Float[batch_size,encoder_sequence_length,32]",
    ];

    private static List<string> PastInputs()
    {
        var result = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            result.Add($"past_key_values.{i}.decoder.key:Float[batch_size,4,past_decoder_sequence_length,8]");
            result.Add($"past_key_values.{i}.decoder.value:Float[batch_size,4,past_decoder_sequence_length,8]");
            result.Add($"past_key_values.{i}.encoder.key:Float[batch_size,4,encoder_sequence_length_out,8]");
            result.Add($"past_key_values.{i}.encoder.value:Float[batch_size,4,encoder_sequence_length_out,8]");
        }

        return result;
    }

    private static List<string> DecoderOutputs(string logitsLength, bool encoderPresents)
    {
        var result = new List<string> { $"logits:Float[batch_size,{logitsLength},32128]" };
        for (int i = 0; i < 2; i++)
        {
            result.Add($"present.{i}.decoder.key:Float[batch_size,4,past_decoder_sequence_length + 1,8]");
            result.Add($"present.{i}.decoder.value:Float[batch_size,4,past_decoder_sequence_length + 1,8]");
            if (encoderPresents)
            {
                result.Add($"present.{i}.encoder.key:Float[batch_size,4,encoder_sequence_length_out,8]");
                result.Add($"present.{i}.encoder.value:Float[batch_size,4,encoder_sequence_length_out,8]");
            }
        }

        return result;
    }

    private static List<string> Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
        => [.. names.Select(name =>
        {
            NodeMetadata m = metadata[name];
            IEnumerable<string> dims = m.Dimensions.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : m.SymbolicDimensions[i]);
            TensorElementType type = m.ElementDataType;
            return $"{name}:{type}[{string.Join(',', dims)}]";
        })];

    /// <summary>The payloads of the length-delimited fields numbered <paramref name="field"/> in a protobuf message.</summary>
    private static List<byte[]> ProtobufFields(byte[] message, int field)
    {
        var result = new List<byte[]>();
        int i = 0;
        while (i < message.Length)
        {
            ulong key = ReadVarint(message, ref i);
            int wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    ReadVarint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    int length = (int)ReadVarint(message, ref i);
                    if ((int)(key >> 3) == field)
                    {
                        result.Add(message.AsSpan(i, length).ToArray());
                    }

                    i += length;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {wireType} at byte {i}.");
            }
        }

        return result;
    }

    private static List<string> ProtobufStrings(byte[] message, int field)
        => [.. ProtobufFields(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b))];

    private static ulong ReadVarint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

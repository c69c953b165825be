using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Writes, as ONNX protobuf bytes, a graph that gathers rows (axis 0) of several tensors by one index list:
/// inputs <c>indices</c> (int64, [rows]) and <c>data0</c>…<c>dataN</c> (any rank, the given element types), outputs
/// <c>rows0</c>…<c>rowsN</c> with <c>rowsK = Gather(dataK, indices, axis = 0)</c>. Run as its own session with the decoder's
/// execution provider, it moves key/value cache rows where they live (on the GPU with CUDA) instead of through the host.
/// Only the few protobuf fields the graph needs are written (opset 13, IR version 8).
/// </summary>
internal static class GatherGraph
{
    /// <summary>The name of the index input.</summary>
    public const string Indices = "indices";

    /// <summary>Returns the name of data input <paramref name="k"/>.</summary>
    /// <param name="k">The input's position.</param>
    /// <returns>The name.</returns>
    public static string Data(int k) => "data" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Returns the name of output <paramref name="k"/>.</summary>
    /// <param name="k">The output's position.</param>
    /// <returns>The name.</returns>
    public static string Rows(int k) => "rows" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds the model for data inputs of <paramref name="types"/>.</summary>
    /// <param name="types">The element type of each data input (float or int64).</param>
    /// <returns>The serialized ModelProto.</returns>
    public static byte[] Build(IReadOnlyList<TensorElementType> types)
    {
        var graph = new ProtoWriter();
        for (int k = 0; k < types.Count; k++)
        {
            int index = k;
            graph.Message(1, node => // GraphProto.node
            {
                node.Text(1, Data(index)); // NodeProto.input
                node.Text(1, Indices);
                node.Text(2, Rows(index)); // NodeProto.output
                node.Text(3, "gather" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                node.Text(4, "Gather"); // op_type
                node.Message(5, attribute => // AttributeProto axis = 0 (type INT)
                {
                    attribute.Text(1, "axis");
                    attribute.Varint(3, 0);
                    attribute.Varint(20, 2);
                });
            });
        }

        graph.Text(2, "synthie_gather_rows");
        graph.Message(11, input => ValueInfo(input, Indices, TensorElementType.Int64));
        for (int k = 0; k < types.Count; k++)
        {
            int index = k;
            graph.Message(11, input => ValueInfo(input, Data(index), types[index]));
        }

        for (int k = 0; k < types.Count; k++)
        {
            int index = k;
            graph.Message(12, output => ValueInfo(output, Rows(index), types[index]));
        }

        var model = new ProtoWriter();
        model.Varint(1, 8); // ir_version
        model.Text(2, "SynthIE.Inference");
        model.Message(8, opset => opset.Varint(2, 13)); // default domain, opset 13
        model.Bytes(7, graph.ToArray());
        return model.ToArray();
    }

    /// <summary>A ValueInfoProto: a name and a tensor type without a shape (any rank).</summary>
    private static void ValueInfo(ProtoWriter writer, string name, TensorElementType type)
    {
        writer.Text(1, name);
        writer.Message(2, typeProto => typeProto.Message(1, tensor => tensor.Varint(1, (long)type)));
    }

    /// <summary>The protobuf wire format's varint and length-delimited fields, nothing more.</summary>
    private sealed class ProtoWriter
    {
        private readonly List<byte> _bytes = [];

        public void Varint(int field, long value)
        {
            WriteRaw(((ulong)field << 3) | 0);
            WriteRaw((ulong)value);
        }

        public void Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            WriteRaw(((ulong)field << 3) | 2);
            WriteRaw((ulong)value.Length);
            _bytes.AddRange(value);
        }

        public void Message(int field, Action<ProtoWriter> write)
        {
            var nested = new ProtoWriter();
            write(nested);
            Bytes(field, nested.ToArray());
        }

        public byte[] ToArray() => [.. _bytes];

        private void WriteRaw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }
    }
}

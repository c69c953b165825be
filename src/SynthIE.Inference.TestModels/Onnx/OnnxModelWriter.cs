namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>Serializes a graph as an ONNX model file (<c>ModelProto</c>, default domain), streaming the weights.</summary>
public static class OnnxModelWriter
{
    /// <summary>The ONNX IR version written (8: ONNX 1.10+, accepted by every ONNX Runtime of the last years).</summary>
    public const int IrVersion = 8;

    /// <summary>Initializers from this size go to the external-data file when one is written (ONNX's own default threshold).</summary>
    public const long ExternalDataMinimumBytes = 1024;

    /// <summary>Suffix of the external-data file: <c>model.onnx</c> keeps its weights in <c>model.onnx_data</c> (optimum's naming).</summary>
    public const string ExternalDataSuffix = "_data";

    /// <summary>Writes <paramref name="graph"/> as a model file.</summary>
    /// <param name="path">Destination file (overwritten).</param>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">Default-domain opset version (optimum's T5 export uses 14).</param>
    /// <param name="externalData">
    /// Store initializers of <see cref="ExternalDataMinimumBytes"/> or more in <c>path + "_data"</c> beside the model
    /// (needed when the weights pass protobuf's 2 GiB limit); otherwise everything is inside the model file.
    /// </param>
    public static void Write(string path, OnnxGraphBuilder graph, int opset = 14, bool externalData = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(graph);
        string dataPath = path + ExternalDataSuffix;
        using FileStream stream = File.Create(path);
        if (!externalData)
        {
            File.Delete(dataPath);
            Write(stream, graph, opset, external: null);
            return;
        }

        using FileStream dataStream = File.Create(dataPath);
        Write(stream, graph, opset, new OnnxExternalDataSink(dataStream, Path.GetFileName(dataPath), ExternalDataMinimumBytes));
    }

    /// <summary>Writes <paramref name="graph"/> as a model to a stream (all data inside).</summary>
    /// <param name="destination">Destination stream.</param>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">Default-domain opset version.</param>
    public static void Write(Stream destination, OnnxGraphBuilder graph, int opset = 14)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(graph);
        Write(destination, graph, opset, external: null);
    }

    /// <summary>Serializes <paramref name="graph"/> as a model into a byte array.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">Default-domain opset version.</param>
    /// <returns>The model's bytes.</returns>
    public static byte[] ToBytes(OnnxGraphBuilder graph, int opset = 14)
    {
        using var stream = new MemoryStream();
        Write(stream, graph, opset);
        return stream.ToArray();
    }

    private static void Write(Stream destination, OnnxGraphBuilder graph, int opset, OnnxExternalDataSink? external)
    {
        var header = new ProtobufWriter();
        header.WriteVarint(1, IrVersion);
        header.WriteString(2, "SynthIE.Inference.TestModels");
        header.WriteString(3, "1");
        header.CopyTo(destination);
        graph.WriteTo(destination, 7, external);
        var opsetId = new ProtobufWriter();
        opsetId.WriteString(1, string.Empty);
        opsetId.WriteVarint(2, opset);
        ProtobufWriter.WriteMessage(destination, 8, opsetId);
    }
}

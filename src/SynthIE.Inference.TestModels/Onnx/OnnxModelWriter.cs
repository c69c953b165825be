namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>Serializes a graph as an ONNX model file (<c>ModelProto</c>, default domain).</summary>
public static class OnnxModelWriter
{
    /// <summary>The ONNX IR version written (8: ONNX 1.10+, accepted by every ONNX Runtime of the last years).</summary>
    public const int IrVersion = 8;

    /// <summary>Writes <paramref name="graph"/> as a model file.</summary>
    /// <param name="path">Destination file (overwritten).</param>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">Default-domain opset version (optimum's T5 export uses 14).</param>
    public static void Write(string path, OnnxGraphBuilder graph, int opset = 14)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.Create(path);
        Write(stream, graph, opset);
    }

    /// <summary>Writes <paramref name="graph"/> as a model to a stream.</summary>
    /// <param name="destination">Destination stream.</param>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">Default-domain opset version.</param>
    public static void Write(Stream destination, OnnxGraphBuilder graph, int opset = 14)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(graph);
        var model = new ProtobufWriter();
        model.WriteVarint(1, IrVersion);
        model.WriteString(2, "SynthIE.Inference.TestModels");
        model.WriteString(3, "1");
        model.WriteMessage(7, graph.ToProto());
        var opsetId = new ProtobufWriter();
        opsetId.WriteString(1, string.Empty);
        opsetId.WriteVarint(2, opset);
        model.WriteMessage(8, opsetId);
        model.CopyTo(destination);
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
}

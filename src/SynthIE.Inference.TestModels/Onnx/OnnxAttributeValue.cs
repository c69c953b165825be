namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>A node attribute (<c>AttributeProto</c>): an integer, integers, a float, a tensor or a subgraph.</summary>
public sealed class OnnxAttributeValue
{
    private readonly Action<ProtobufWriter> _writeValue;

    private OnnxAttributeValue(string name, Action<ProtobufWriter> writeValue)
    {
        Name = name;
        _writeValue = writeValue;
    }

    /// <summary>Gets the attribute's name.</summary>
    public string Name { get; }

    /// <summary>An integer attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Int(string name, long value) => new(name, w =>
    {
        w.WriteVarint(3, value);
        w.WriteVarint(20, 2);
    });

    /// <summary>A float attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Float(string name, float value) => new(name, w =>
    {
        w.WriteFloat(2, value);
        w.WriteVarint(20, 1);
    });

    /// <summary>An integer-list attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Ints(string name, params long[] values) => new(name, w =>
    {
        w.WritePackedVarints(8, values);
        w.WriteVarint(20, 7);
    });

    /// <summary>A tensor attribute (as used by <c>Constant</c> and <c>ConstantOfShape</c>).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="tensor">Value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Tensor(string name, OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(name, w =>
        {
            w.WriteMessage(5, tensor.ToProto());
            w.WriteVarint(20, 4);
        });
    }

    /// <summary>A subgraph attribute (as used by <c>If</c>).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="graph">The subgraph.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Graph(string name, OnnxGraphBuilder graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new(name, w =>
        {
            w.WriteMessage(6, graph.ToProto());
            w.WriteVarint(20, 5);
        });
    }

    internal ProtobufWriter ToProto()
    {
        var w = new ProtobufWriter();
        w.WriteString(1, Name);
        _writeValue(w);
        return w;
    }
}

using System.Globalization;

namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>
/// Builds an ONNX graph (<c>GraphProto</c>): typed inputs and outputs with symbolic or fixed dimensions,
/// initializers, and nodes. Node outputs get unique generated names unless given.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly List<ProtobufWriter> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];
    private readonly string _namePrefix;
    private int _counter;

    /// <summary>Initializes a new instance of the <see cref="OnnxGraphBuilder"/> class.</summary>
    /// <param name="name">The graph's name.</param>
    /// <param name="namePrefix">Prefix for generated value names (keeps subgraph names distinct from the parent's).</param>
    public OnnxGraphBuilder(string name, string namePrefix = "")
    {
        Name = name;
        _namePrefix = namePrefix;
    }

    /// <summary>Gets the graph's name.</summary>
    public string Name { get; }

    /// <summary>Gets the initializers added so far.</summary>
    public IReadOnlyList<OnnxTensor> Initializers => _initializers;

    /// <summary>Gets the total size of the initializers in bytes.</summary>
    public long InitializerBytes => _initializers.Sum(t => t.ByteLength);

    /// <summary>Declares a graph input.</summary>
    /// <param name="name">Input name.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Dimensions: <see cref="long"/>/<see cref="int"/> for fixed sizes, <see cref="string"/> for symbolic ones.</param>
    public void AddInput(string name, OnnxElementType type, params object[] dims) => _inputs.Add(ValueInfo(name, type, dims));

    /// <summary>Declares a graph output.</summary>
    /// <param name="name">Output name (must be produced by a node or be an input or initializer).</param>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Dimensions, as for <see cref="AddInput"/>.</param>
    public void AddOutput(string name, OnnxElementType type, params object[] dims) => _outputs.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a constant tensor and returns its name.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The tensor's name.</returns>
    public string AddInitializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a float constant with a generated name.</summary>
    /// <param name="data">Values.</param>
    /// <param name="dims">Shape.</param>
    /// <returns>The constant's name.</returns>
    public string Constant(ReadOnlySpan<float> data, params long[] dims) => AddInitializer(OnnxTensor.FromFloats(NewName("const"), data, dims));

    /// <summary>Adds an int64 constant with a generated name.</summary>
    /// <param name="data">Values.</param>
    /// <param name="dims">Shape.</param>
    /// <returns>The constant's name.</returns>
    public string Constant(ReadOnlySpan<long> data, params long[] dims) => AddInitializer(OnnxTensor.FromInt64s(NewName("const"), data, dims));

    /// <summary>Adds a node with one output and returns the output's generated name.</summary>
    /// <param name="opType">Operator, e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Input names (an empty string marks an omitted optional input).</param>
    /// <returns>The output's name.</returns>
    public string Op(string opType, params string[] inputs) => OpWith(opType, inputs, [])[0];

    /// <summary>Adds a node with attributes and one output.</summary>
    /// <param name="opType">Operator.</param>
    /// <param name="inputs">Input names.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>The output's name.</returns>
    public string Op(string opType, string[] inputs, params OnnxAttributeValue[] attributes) => OpWith(opType, inputs, attributes)[0];

    /// <summary>Adds a node with explicitly named outputs.</summary>
    /// <param name="opType">Operator.</param>
    /// <param name="inputs">Input names.</param>
    /// <param name="outputs">Output names.</param>
    /// <param name="attributes">Attributes.</param>
    public void OpInto(string opType, string[] inputs, string[] outputs, params OnnxAttributeValue[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        var node = new ProtobufWriter();
        foreach (string input in inputs)
        {
            node.WriteString(1, input);
        }

        foreach (string output in outputs)
        {
            node.WriteString(2, output);
        }

        node.WriteString(3, NewName(opType));
        node.WriteString(4, opType);
        foreach (OnnxAttributeValue attribute in attributes)
        {
            node.WriteMessage(5, attribute.ToProto());
        }

        _nodes.Add(node);
    }

    /// <summary>Returns a fresh value name with the given stem.</summary>
    /// <param name="stem">Readable part of the name.</param>
    /// <returns>A name unique within this builder.</returns>
    public string NewName(string stem) => string.Create(CultureInfo.InvariantCulture, $"{_namePrefix}{stem}_{_counter++}");

    internal ProtobufWriter ToProto()
    {
        var g = new ProtobufWriter();
        foreach (ProtobufWriter node in _nodes)
        {
            g.WriteMessage(1, node);
        }

        g.WriteString(2, Name);
        foreach (OnnxTensor tensor in _initializers)
        {
            g.WriteMessage(5, tensor.ToProto());
        }

        foreach (ProtobufWriter input in _inputs)
        {
            g.WriteMessage(11, input);
        }

        foreach (ProtobufWriter output in _outputs)
        {
            g.WriteMessage(12, output);
        }

        return g;
    }

    /// <summary>
    /// Streams the graph as field <paramref name="field"/> of the enclosing message without building it in memory:
    /// sizes are computed first, then each initializer's data is produced and written in turn. Initializers at or above
    /// <see cref="OnnxExternalDataSink.MinimumBytes"/> go to <paramref name="external"/> when it is given.
    /// </summary>
    internal void WriteTo(Stream destination, int field, OnnxExternalDataSink? external)
    {
        long length = 0;
        foreach (ProtobufWriter node in _nodes)
        {
            length += ProtobufWriter.LengthDelimitedSize(1, node.Length);
        }

        var name = new ProtobufWriter();
        name.WriteString(2, Name);
        length += name.Length;

        var headers = new ProtobufWriter[_initializers.Count];
        var offsets = new long[_initializers.Count];
        var payloads = new long[_initializers.Count];
        for (int i = 0; i < _initializers.Count; i++)
        {
            OnnxTensor tensor = _initializers[i];
            if (external is not null && tensor.ByteLength >= external.MinimumBytes)
            {
                offsets[i] = external.Reserve(tensor.ByteLength);
                headers[i] = tensor.Header(external.Location, offsets[i]);
                payloads[i] = headers[i].Length;
            }
            else
            {
                offsets[i] = -1;
                headers[i] = tensor.Header(externalLocation: null, externalOffset: 0);
                payloads[i] = headers[i].Length + ProtobufWriter.LengthDelimitedSize(9, tensor.ByteLength);
            }

            length += ProtobufWriter.LengthDelimitedSize(5, payloads[i]);
        }

        foreach (ProtobufWriter input in _inputs)
        {
            length += ProtobufWriter.LengthDelimitedSize(11, input.Length);
        }

        foreach (ProtobufWriter output in _outputs)
        {
            length += ProtobufWriter.LengthDelimitedSize(12, output.Length);
        }

        ProtobufWriter.WriteLengthPrefix(destination, field, length);
        long bodyStart = destination.CanSeek ? destination.Position : -1;
        foreach (ProtobufWriter node in _nodes)
        {
            ProtobufWriter.WriteMessage(destination, 1, node);
        }

        name.CopyTo(destination);
        for (int i = 0; i < _initializers.Count; i++)
        {
            OnnxTensor tensor = _initializers[i];
            ProtobufWriter.WriteLengthPrefix(destination, 5, payloads[i]);
            headers[i].CopyTo(destination);
            if (offsets[i] < 0)
            {
                ProtobufWriter.WriteLengthPrefix(destination, 9, tensor.ByteLength);
                destination.Write(tensor.Data());
            }
            else
            {
                external!.Write(offsets[i], tensor.Data());
            }
        }

        foreach (ProtobufWriter input in _inputs)
        {
            ProtobufWriter.WriteMessage(destination, 11, input);
        }

        foreach (ProtobufWriter output in _outputs)
        {
            ProtobufWriter.WriteMessage(destination, 12, output);
        }

        if (bodyStart >= 0 && destination.Position - bodyStart != length)
        {
            throw new InvalidOperationException($"Graph '{Name}' wrote {destination.Position - bodyStart} bytes but announced {length}.");
        }
    }

    private string[] OpWith(string opType, string[] inputs, OnnxAttributeValue[] attributes)
    {
        string output = NewName(opType.ToLowerInvariant());
        OpInto(opType, inputs, [output], attributes);
        return [output];
    }

    private static ProtobufWriter ValueInfo(string name, OnnxElementType type, object[] dims)
    {
        var shape = new ProtobufWriter();
        foreach (object dim in dims)
        {
            var d = new ProtobufWriter();
            switch (dim)
            {
                case string symbol:
                    d.WriteString(2, symbol);
                    break;
                case int size:
                    d.WriteVarint(1, size);
                    break;
                case long size:
                    d.WriteVarint(1, size);
                    break;
                default:
                    throw new ArgumentException($"Dimension '{dim}' of '{name}' must be an int, a long or a string.", nameof(dims));
            }

            shape.WriteMessage(1, d);
        }

        var tensorType = new ProtobufWriter();
        tensorType.WriteVarint(1, (int)type);
        tensorType.WriteMessage(2, shape);
        var typeProto = new ProtobufWriter();
        typeProto.WriteMessage(1, tensorType);
        var info = new ProtobufWriter();
        info.WriteString(1, name);
        info.WriteMessage(2, typeProto);
        return info;
    }
}

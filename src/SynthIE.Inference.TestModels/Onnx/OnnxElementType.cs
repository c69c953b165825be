namespace SynthIE.Inference.TestModels.Onnx;

/// <summary>ONNX tensor element types (the values of <c>TensorProto.DataType</c>) used by the generated models.</summary>
public enum OnnxElementType
{
    /// <summary>32-bit float.</summary>
    Float = 1,

    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,

    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,

    /// <summary>Boolean.</summary>
    Bool = 9,
}

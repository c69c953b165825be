using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>ONNX Runtime sessions over a generated model's four graphs, and plain runs returning every output by name.</summary>
internal sealed class OrtSessions : IDisposable
{
    private readonly SessionOptions _options;

    public OrtSessions(T5TestModelFiles files)
    {
        _options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        Encoder = new InferenceSession(files.Encoder, _options);
        Decoder = new InferenceSession(files.Decoder, _options);
        DecoderWithPast = new InferenceSession(files.DecoderWithPast, _options);
        DecoderMerged = new InferenceSession(files.DecoderMerged, _options);
    }

    public InferenceSession Encoder { get; }

    public InferenceSession Decoder { get; }

    public InferenceSession DecoderWithPast { get; }

    public InferenceSession DecoderMerged { get; }

    public static OrtValue Int64s(long[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);

    public static OrtValue Floats(FloatTensor tensor) => OrtValue.CreateTensorValueFromMemory(tensor.Data, tensor.Shape);

    public static OrtValue Bool(bool value) => OrtValue.CreateTensorValueFromMemory(new[] { value }, [1]);

    /// <summary>An allocated float tensor (used for zero-length pasts, which cannot come from an empty managed array).</summary>
    public static OrtValue EmptyFloats(params long[] shape)
        => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);

    /// <summary>Runs <paramref name="session"/> on the inputs (disposed afterwards) and copies every output.</summary>
    public static Dictionary<string, FloatTensor> Run(InferenceSession session, IReadOnlyList<(string Name, OrtValue Value)> inputs)
    {
        try
        {
            using var runOptions = new RunOptions();
            IReadOnlyList<string> outputNames = session.OutputNames;
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
                runOptions, [.. inputs.Select(i => i.Name)], [.. inputs.Select(i => i.Value)], outputNames);
            var result = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
            for (int i = 0; i < outputNames.Count; i++)
            {
                OrtValue value = outputs[i];
                result[outputNames[i]] = new FloatTensor(value.GetTensorDataAsSpan<float>().ToArray(), value.GetTensorTypeAndShape().Shape);
            }

            return result;
        }
        finally
        {
            foreach ((_, OrtValue value) in inputs)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
        DecoderWithPast.Dispose();
        DecoderMerged.Dispose();
        _options.Dispose();
    }
}

using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Benchmarks.Gpu;

/// <summary>
/// The extractor of a device-table run and the ONNX model its rows decode with: the extractor's own model (the merged
/// decoder on the requested device, as users get it), or, for <c>--decoder pair</c>, decoder_model + decoder_with_past
/// loaded on the requested device beside an extractor kept on the CPU for its tokenizer, constraint and settings.
/// </summary>
internal sealed class DeviceTableModel : IDisposable
{
    private readonly T5OnnxModel? _pair;

    private DeviceTableModel(SynthIEExtractor extractor, T5OnnxModel? pair)
    {
        Extractor = extractor;
        _pair = pair;
    }

    public SynthIEExtractor Extractor { get; }

    /// <summary>Gets the model the rows decode with.</summary>
    public T5OnnxModel Generating => _pair ?? Extractor.OnnxModel;

    public static DeviceTableModel Load(string modelDirectory, SynthIEExtractorOptions options, bool pairDecoderOnDevice)
    {
        if (!pairDecoderOnDevice)
        {
            return new DeviceTableModel(SynthIEExtractor.Create(modelDirectory, options), pair: null);
        }

        SynthIEExtractor extractor = SynthIEExtractor.Create(modelDirectory, new SynthIEExtractorOptions
        {
            NumBeams = options.NumBeams,
            MaxNewTokens = options.MaxNewTokens,
            MaxBatchSize = options.MaxBatchSize,
            Constrained = options.Constrained,
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 1,
        });
        try
        {
            T5ModelConfig config = T5ModelConfig.Load(Path.Combine(modelDirectory, "config.json"));
            using Microsoft.ML.OnnxRuntime.SessionOptions sessionOptions = SessionOptionsFactory.Create(options.Device, options.IntraOpThreads, options.CudaDeviceId);
            T5OnnxModel pair = T5OnnxModel.Load(config, OnnxModelFiles.Find(modelDirectory, quantized: false, preferMerged: false), sessionOptions);
            return new DeviceTableModel(extractor, pair);
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _pair?.Dispose();
        Extractor.Dispose();
    }
}

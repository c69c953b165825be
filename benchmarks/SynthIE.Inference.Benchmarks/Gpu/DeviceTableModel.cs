using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Benchmarks.Gpu;

/// <summary>
/// The extractor of a device-table run, loaded the way users load it (<see cref="SynthIEExtractor.Create"/>), with the
/// internal overrides of the decoder form (<c>--decoder merged|pair</c>) and of device binding (<c>--binding on|off</c>);
/// <c>auto</c> leaves each to the device's default (CUDA: decoder pair with binding; CPU: merged decoder without).
/// </summary>
internal sealed class DeviceTableModel : IDisposable
{
    private DeviceTableModel(SynthIEExtractor extractor) => Extractor = extractor;

    public SynthIEExtractor Extractor { get; }

    /// <summary>Gets the model the rows decode with.</summary>
    public T5OnnxModel Generating => Extractor.OnnxModel;

    /// <summary>Gets the decoder form loaded: merged or pair.</summary>
    public string DecoderForm => Generating.MergedDecoder is null ? "pair" : "merged";

    /// <summary>Gets a value indicating whether the rows decode on the device-binding path.</summary>
    public bool UsesBinding => Generating.Binding is not null;

    public static DeviceTableModel Load(string modelDirectory, SynthIEExtractorOptions options, string decoder, string binding)
    {
        return new DeviceTableModel(SynthIEExtractor.Create(modelDirectory, new SynthIEExtractorOptions
        {
            NumBeams = options.NumBeams,
            MaxNewTokens = options.MaxNewTokens,
            MaxBatchSize = options.MaxBatchSize,
            Constrained = options.Constrained,
            Device = options.Device,
            CudaDeviceId = options.CudaDeviceId,
            IntraOpThreads = options.IntraOpThreads,
            CudaMemoryLimitBytes = options.CudaMemoryLimitBytes,
            CudaArenaGrowsAsRequested = options.CudaArenaGrowsAsRequested,
            PreferMergedDecoder = decoder switch { "merged" => true, "pair" => false, _ => null },
            UseDeviceBinding = binding switch { "on" => true, "off" => false, _ => null },
        }));
    }

    public void Dispose() => Extractor.Dispose();
}

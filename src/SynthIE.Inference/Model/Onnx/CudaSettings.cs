using System.Globalization;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>The CUDA execution provider's settings: device ordinal and memory arena.</summary>
/// <param name="DeviceId">The CUDA device ordinal.</param>
/// <param name="MemoryLimitBytes">The arena's limit (<c>gpu_mem_limit</c>), or <see langword="null"/> for none.</param>
/// <param name="ArenaGrowsAsRequested">Whether the arena grows by what is requested (<c>arena_extend_strategy</c> <c>kSameAsRequested</c>) rather than by powers of two.</param>
internal sealed record CudaSettings(int DeviceId = 0, long? MemoryLimitBytes = null, bool ArenaGrowsAsRequested = false)
{
    /// <summary>Gets the CUDA provider options ONNX Runtime reads, by their names.</summary>
    /// <returns>The options.</returns>
    public Dictionary<string, string> ProviderOptions()
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = DeviceId.ToString(CultureInfo.InvariantCulture),
            ["arena_extend_strategy"] = ArenaGrowsAsRequested ? "kSameAsRequested" : "kNextPowerOfTwo",
        };
        if (MemoryLimitBytes is long limit)
        {
            options["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }
}

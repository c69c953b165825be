namespace SynthIE.Inference.Generation;

/// <summary>A decoder over one encoded batch that holds native resources (its key/value cache).</summary>
internal interface IDecoderSession : IDecoderStep, IDisposable
{
}

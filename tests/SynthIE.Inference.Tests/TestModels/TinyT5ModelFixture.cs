using SynthIE.Inference.TestModels.T5;

using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>A tiny generated T5 (seed 1) in a temporary folder with sessions on its four graphs; deleted afterwards.</summary>
public sealed class TinyT5ModelFixture : IDisposable
{
    private readonly TemporaryDirectory _directory = new("tiny-t5");

    public TinyT5ModelFixture()
    {
        Files = T5TestModel.Write(_directory.Path, Options);
        Sessions = new OrtSessions(Files);
        Decoding = new TeacherForcedDecoding(Sessions, Options);
    }

    public static T5TestModelOptions Options => T5TestModelOptions.Tiny;

    public T5TestModelFiles Files { get; }

    internal OrtSessions Sessions { get; }

    internal TeacherForcedDecoding Decoding { get; }

    public void Dispose()
    {
        Sessions.Dispose();
        _directory.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Tests.Onnx;

/// <summary>
/// The decoder's input tensors (caches, per-row encoder tensors) come from the decoder session's memory arena, so that a
/// step or call reuses the memory the previous one freed instead of faulting fresh pages in.
/// </summary>
public sealed class DecoderInputAllocatorTests : IClassFixture<T5OnnxRunnerTests.ModelFixture>
{
    private readonly T5OnnxRunnerTests.ModelFixture _fixture;

    public DecoderInputAllocatorTests(T5OnnxRunnerTests.ModelFixture fixture) => _fixture = fixture;

    [Fact]
    public void Both_decoder_forms_allocate_inputs_from_the_session_arena()
    {
        foreach (T5OnnxModel model in new[] { _fixture.Merged, _fixture.Pair })
        {
            Assert.NotSame(OrtAllocator.DefaultInstance, model.DecoderInputAllocator);
            Assert.Equal(OrtAllocatorType.ArenaAllocator, model.DecoderInputAllocator.Info.GetAllocatorType());
            Assert.Equal("Cpu", model.DecoderInputAllocator.Info.Name);
        }
    }

    [Fact]
    public void Repeated_batches_from_the_arena_give_the_same_results()
    {
        int[][] inputs =
        [
            _fixture.Tokenizer.EncodeToIds("Paris is the capital and most populous city of France.").ToArray(),
            _fixture.Tokenizer.EncodeToIds("Albert Einstein was born in Ulm.").ToArray(),
        ];
        var options = new DecodingOptions { NumBeams = 4, NumReturnSequences = 2, MaxNewTokens = 20 };
        var generator = new Generator(_fixture.Merged);
        IReadOnlyList<GeneratedSequence>[] first = generator.Generate(inputs, options, default);
        for (int run = 0; run < 3; run++)
        {
            IReadOnlyList<GeneratedSequence>[] again = generator.Generate(inputs, options, default);
            for (int item = 0; item < inputs.Length; item++)
            {
                Assert.Equal(first[item].Select(s => s.TokenIds), again[item].Select(s => s.TokenIds));
                Assert.Equal(first[item].Select(s => s.Score), again[item].Select(s => s.Score));
            }
        }
    }
}

using Xunit.Abstractions;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>Greedy outputs of the tiny model are usable test material: input-dependent, varied, and ending in EOS after some tokens.</summary>
public sealed class T5TestModelGreedyOutputTests : IClassFixture<TinyT5ModelFixture>
{
    private readonly TinyT5ModelFixture _model;
    private readonly ITestOutputHelper _output;

    public T5TestModelGreedyOutputTests(TinyT5ModelFixture model, ITestOutputHelper output)
    {
        _model = model;
        _output = output;
    }

    [Fact]
    public void Greedy_outputs_depend_on_the_input_and_end_with_eos_after_some_tokens()
    {
        const int Inputs = 24, MaxNewTokens = 64;
        var random = new Random(7);
        var outputs = new List<List<long>>();
        for (int i = 0; i < Inputs; i++)
        {
            long[] ids = [.. Enumerable.Range(0, random.Next(3, 30)).Select(_ => (long)random.Next(3, 32000)), 1];
            List<long> generated = GreedyDecoding.Run(_model.Sessions, TinyT5ModelFixture.Options, ids, MaxNewTokens);
            outputs.Add(generated);
            _output.WriteLine($"{ids.Length,3} input ids -> {generated.Count,3}: {string.Join(' ', generated)}");
        }

        int distinct = outputs.Select(o => string.Join(',', o)).Distinct().Count();
        int endedWithEos = outputs.Count(o => o[^1] == 1);
        int distinctFirstTokens = outputs.Select(o => o[0]).Distinct().Count();
        int shortest = outputs.Min(o => o.Count);
        _output.WriteLine($"distinct outputs {distinct}, ended with EOS {endedWithEos}, distinct first tokens {distinctFirstTokens}, shortest {shortest}, mean length {outputs.Average(o => o.Count):F1}");
        Assert.True(distinct >= Inputs * 3 / 4, $"only {distinct} distinct outputs for {Inputs} inputs");
        Assert.True(distinctFirstTokens >= Inputs / 3, $"only {distinctFirstTokens} distinct first tokens for {Inputs} inputs");
        Assert.True(endedWithEos >= Inputs * 3 / 4, $"only {endedWithEos} of {Inputs} outputs ended with EOS within {MaxNewTokens} tokens");
        Assert.True(shortest >= 5, $"an output ended after {shortest} tokens; EOS should be out of reach at the first steps");
    }
}

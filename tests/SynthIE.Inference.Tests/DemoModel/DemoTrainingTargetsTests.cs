using System.Text.Json;
using SynthIE.Inference.Facts;
using Linearizations = SynthIE.Inference.Linearization;
using SynthIE.Inference.Tests.Constraints;
using SynthIE.Inference.Tests.ExportScript;

namespace SynthIE.Inference.Tests.DemoModel;

/// <summary>
/// The demo model's training targets (models/demo/make_data.py, tokenized with Python's sentencepiece) are exactly the
/// ids <see cref="LinearizationFormatter"/> writes for the same facts (subject-collapsed), so the model learned the
/// format the library's constraint and parser expect.
/// </summary>
public sealed class DemoTrainingTargetsTests
{
    [Fact]
    public async Task Training_targets_equal_the_library_linearization()
    {
        await PythonScript.RequireModuleAsync("sentencepiece", "python3-sentencepiece");

        PythonResult result = await PythonScript.RunAsync(PythonScript.ModelsFile("demo/make_data.py"), "--print-sample", "300");

        Assert.True(result.ExitCode == 0, result.Output);
        using JsonDocument sample = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(300, sample.RootElement.GetArrayLength());
        int multiSubject = 0;
        foreach (JsonElement example in sample.RootElement.EnumerateArray())
        {
            var facts = example.GetProperty("facts").EnumerateArray()
                .Select(f => (f[0].GetString()!, f[1].GetString()!, f[2].GetString()!)).ToList();
            int[] expected = LinearizationFormatter.FormatIds(Linearizations.SubjectCollapsed, facts, TestEncoders.T5Tokenizer);
            int[] python = [.. example.GetProperty("target_ids").EnumerateArray().Select(id => id.GetInt32())];
            Assert.True(expected.SequenceEqual(python), $"{example.GetProperty("text").GetString()}: {string.Join(' ', python)} != {string.Join(' ', expected)}");
            multiSubject += facts.Select(f => f.Item1).Distinct().Count() > 1 ? 1 : 0;
        }

        Assert.True(multiSubject > 30, "the sample has texts with several subjects (several [s] groups)");
    }
}

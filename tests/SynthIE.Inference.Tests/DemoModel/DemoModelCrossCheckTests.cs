using System.Globalization;
using System.Text.Json;
using SynthIE.Inference.Tests.Constraints;
using SynthIE.Inference.Tests.ExportScript;
using SynthIE.Inference.Tests.TestModels;

namespace SynthIE.Inference.Tests.DemoModel;

/// <summary>
/// The demo model's ONNX graphs (written by the project's ONNX writer from the trained weights) compute the same function
/// as the PyTorch model it was trained as (models/demo/t5_model.py, reading the same weights file): teacher-forced logits
/// through ONNX Runtime against models/demo/reference_logits.py, on every trained output id and some untrained ones.
/// </summary>
public sealed class DemoModelCrossCheckTests : IClassFixture<DemoModelFixture>, IDisposable
{
    private readonly DemoModelFixture _model;
    private readonly string _scratch = Directory.CreateTempSubdirectory("synthie-demo-crosscheck-").FullName;

    public DemoModelCrossCheckTests(DemoModelFixture model)
    {
        _model = model;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Onnx_logits_equal_the_pytorch_model_on_trained_and_untrained_ids()
    {
        await PythonScript.RequireModuleAsync("torch", "python3-torch");
        string[] texts =
        [
            "Marie Curie was born in Warsaw and worked in Paris, the capital of France.",
            "Steve Jobs founded Apple.",
            "Some words the model never saw: xylophone quantum marmalade.",
        ];
        long[][] inputs = [.. texts.Select(text => TestEncoders.T5Tokenizer.EncodeToIds(text).Select(id => (long)id).ToArray())];
        long[][] decoder = [[0, 784, 7, 908, 6524, 834, 254], [0, 784, 7, 908], [0]];
        int[] untrained = [5, 100, 4000, 31999, 32127];
        int[] columns = [.. _model.Weights.OutputIds, .. untrained.Where(id => !_model.Weights.OutputIds.Contains(id))];
        Assert.True(columns.Length > _model.Weights.OutputIds.Count, "some untrained ids are checked");

        string spec = Path.Combine(_scratch, "inputs.json");
        await File.WriteAllTextAsync(spec, JsonSerializer.Serialize(new { inputs, decoder, columns }));
        PythonResult result = await PythonScript.RunAsync(PythonScript.ModelsFile("demo/reference_logits.py"), _model.WeightsPath, spec);
        Assert.True(result.ExitCode == 0, result.Output);
        using JsonDocument reference = JsonDocument.Parse(result.StandardOutput);

        using var sessions = new OrtSessions(_model.Files);
        var decoding = new TeacherForcedDecoding(sessions, _model.Weights.Options);
        double worst = 0;
        for (int n = 0; n < inputs.Length; n++)
        {
            long[] mask = [.. inputs[n].Select(_ => 1L)];
            FloatTensor hidden = decoding.Encode(inputs[n], mask, 1, inputs[n].Length);
            List<float[][]> steps = decoding.FullPrefix(hidden, mask, [decoder[n]]);
            JsonElement expected = reference.RootElement.GetProperty("logits")[n];
            Assert.Equal(decoder[n].Length, expected.GetArrayLength());
            for (int t = 0; t < decoder[n].Length; t++)
            {
                float[] actual = steps[t][0];
                Assert.Equal(_model.Weights.Options.VocabSize, actual.Length);
                JsonElement row = expected[t];
                for (int c = 0; c < columns.Length; c++)
                {
                    double want = row[c].GetDouble(), got = actual[columns[c]];
                    double error = Math.Abs(want - got);
                    worst = Math.Max(worst, error);
                    Assert.True(error <= 1e-3 + (1e-4 * Math.Abs(want)), string.Create(CultureInfo.InvariantCulture,
                        $"text {n}, position {t}, id {columns[c]}: ONNX {got}, PyTorch {want}"));
                }

                foreach (int id in untrained.Where(id => !_model.Weights.OutputIds.Contains(id)))
                {
                    Assert.Equal(0f, actual[id]);
                }
            }
        }

        Assert.True(worst < 1e-3, string.Create(CultureInfo.InvariantCulture, $"largest difference {worst}"));
    }
}

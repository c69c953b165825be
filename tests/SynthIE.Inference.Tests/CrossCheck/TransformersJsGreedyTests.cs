using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Generation;
using SynthIE.Inference.Model;
using SynthIE.Inference.Model.Onnx;
using SynthIE.Inference.TestModels.T5;
using SynthIE.Inference.Tests.Infrastructure;
using SynthIE.Inference.Worlds;

namespace SynthIE.Inference.Tests.CrossCheck;

/// <summary>
/// Our greedy decoder against transformers.js (an independent implementation: its own generate(), merged-decoder KV
/// plumbing and argmax, on onnxruntime-node) over the same generated ONNX files: identical token ids for 60 inputs,
/// unconstrained and under our SynthIE constraint (exported as allowed ids per decoder prefix).
/// </summary>
public sealed class TransformersJsGreedyTests : IDisposable
{
    private const int InputCount = 60;
    private const int MaxNewTokens = 48;
    private readonly string _root = Directory.CreateTempSubdirectory("synthie-tjs-").FullName;
    private readonly string _modelDirectory;
    private readonly T5Tokenizer _tokenizer = T5Tokenizer.FromSentencePieceModel(SharedData.File("data/t5-tokenizer/spiece.model"));

    public TransformersJsGreedyTests()
    {
        _modelDirectory = Path.Combine(_root, "tiny-t5");
        T5TestModel.Write(_modelDirectory, T5TestModelOptions.Tiny with { Seed = 11, EosTargetLength = 40, WriteTransformersJsLayout = true });
        foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model" })
        {
            File.Copy(SharedData.File("data/t5-tokenizer/" + file), Path.Combine(_modelDirectory, file));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Greedy_token_ids_equal_transformers_js()
    {
        int[][] inputs = RebelInputs();
        IReadOnlyList<GeneratedSequence>[] ours = Generate(inputs, constraint: null);
        JsonArray js = RunTransformersJs(inputs, allowed: null);
        AssertSameSequences(inputs, ours, js, minimumDistinct: InputCount / 2);
    }

    [Fact]
    public void Constrained_greedy_token_ids_equal_transformers_js_with_our_allowed_sets()
    {
        World world = WorldLoader.LoadSynthIE(Path.Combine(SharedData.RepositoryRoot, "samples", "data", "demo-world"), "demo");
        using SynthIEConstraint constraint = SynthIEConstraint.Create(world, _tokenizer, SynthIE.Inference.Linearization.FullyExpanded);
        int[][] inputs = RebelInputs();
        IReadOnlyList<GeneratedSequence>[] ours = Generate(inputs, constraint);

        // For each input, the allowed ids after every prefix of our output: transformers.js fails on any prefix it reaches
        // that is not in the map, so a divergence cannot go unnoticed.
        var allowed = new JsonArray();
        foreach (IReadOnlyList<GeneratedSequence> item in ours)
        {
            var map = new JsonObject();
            IReadOnlyList<int> ids = item[0].TokenIds;
            ConstraintState state = constraint.Initial;
            for (int t = 1; t <= ids.Count; t++)
            {
                string key = string.Join(',', ids.Take(t));
                map[key] = new JsonArray([.. constraint.Allowed(state).ToArray().Select(id => (JsonNode)id)]);
                if (t < ids.Count)
                {
                    Assert.Contains(ids[t], constraint.Allowed(state).ToArray()); // our own output obeys the constraint
                    state = constraint.Advance(state, ids[t]);
                }
            }

            allowed.Add(map);
        }

        JsonArray js = RunTransformersJs(inputs, allowed);

        // The demo world is small (hundreds of entities, 30 relations), so constrained outputs of a random model repeat more often.
        AssertSameSequences(inputs, ours, js, minimumDistinct: 5);
        Assert.Contains(ours, item => item[0].TokenIds.Count > 12); // outputs hold whole triplets, not only "[s]" or EOS
    }

    private int[][] RebelInputs()
    {
        var inputs = new List<int[]>();
        foreach (string line in File.ReadLines(SharedData.File("data/rebel-sample/sample.jsonl")).Take(InputCount))
        {
            string text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
            var buffer = new int[256];
            int count = _tokenizer.EncodeToIds(text, buffer, addEndOfSequence: true, out _);
            inputs.Add(buffer[..count]);
        }

        return [.. inputs];
    }

    private IReadOnlyList<GeneratedSequence>[] Generate(int[][] inputs, ITokenConstraint? constraint)
    {
        T5ModelConfig config = T5ModelConfig.Load(Path.Combine(_modelDirectory, "config.json"));
        using SessionOptions options = SessionOptionsFactory.Create(ExecutionDevice.Cpu);
        using T5OnnxModel model = T5OnnxModel.Load(config, OnnxModelFiles.Find(Path.Combine(_modelDirectory, "onnx"), quantized: false, preferMerged: true), options);
        var generator = new Generator(model);
        var decoding = new DecodingOptions { NumBeams = 1, NumReturnSequences = 1, MaxNewTokens = MaxNewTokens, Constraint = constraint };
        // One input at a time, as transformers.js is run (it keeps generating rows that already ended).
        return [.. inputs.Select(input => generator.Generate([input], decoding, default)[0])];
    }

    private JsonArray RunTransformersJs(int[][] inputs, JsonArray? allowed)
    {
        string jsDirectory = Path.Combine(SharedData.RepositoryRoot, "tests", "js");
        if (!Directory.Exists(Path.Combine(jsDirectory, "node_modules", "@huggingface", "transformers")))
        {
            Assert.Fail($"transformers.js is not installed in {jsDirectory}: run `cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci` (./build.sh test does this).");
        }

        var request = new JsonObject
        {
            ["inputs"] = new JsonArray([.. inputs.Select(ids => (JsonNode)new JsonObject { ["ids"] = new JsonArray([.. ids.Select(id => (JsonNode)id)]) })]),
            ["max_new_tokens"] = MaxNewTokens,
        };
        if (allowed is not null)
        {
            request["allowed"] = allowed;
        }

        string requestPath = Path.Combine(_root, "request.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        var start = new ProcessStartInfo("node", [Path.Combine(jsDirectory, "greedy.mjs"), _modelDirectory, requestPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = jsDirectory,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"transformers.js failed (exit {process.ExitCode}): {stderr.Result}");
        JsonNode result = JsonNode.Parse(stdout.Result)!;
        Assert.Equal("4.3.1", (string?)result["transformers_js"]);
        return result["outputs"]!.AsArray();
    }

    private static void AssertSameSequences(int[][] inputs, IReadOnlyList<GeneratedSequence>[] ours, JsonArray js, int minimumDistinct)
    {
        Assert.Equal(inputs.Length, js.Count);
        for (int i = 0; i < inputs.Length; i++)
        {
            int[] theirs = [.. js[i]!["sequence"]!.AsArray().Select(n => (int)n!)];
            Assert.True(theirs.SequenceEqual(ours[i][0].TokenIds),
                $"input {i}: ours [{string.Join(' ', ours[i][0].TokenIds)}] vs transformers.js [{string.Join(' ', theirs)}]");
        }

        int distinct = ours.Select(o => string.Join(',', o[0].TokenIds)).Distinct().Count();
        Assert.True(distinct >= minimumDistinct, $"only {distinct} distinct outputs for {inputs.Length} inputs: the comparison would prove little");
    }
}

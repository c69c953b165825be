using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Benchmarks.Extraction;

/// <summary>
/// A generated T5 model directory for the end-to-end benchmarks, cached under <see cref="BenchmarkPaths.ModelCache"/> and
/// keyed by the generator's options, the generator assembly and the world source, so reruns reuse it. It holds what a
/// user's model directory holds: optimum's ONNX files and config (seeded random weights of a flan-t5 shape), the real T5
/// tokenizer files from shared/, a <c>synthie.json</c> manifest and a world; plus an <c>onnx/</c> folder of symbolic
/// links to the encoder and merged decoder, the layout transformers.js loads (the same files, not copies).
/// </summary>
internal static class BenchmarkModel
{
    /// <summary>The decoder length around which unconstrained greedy decoding ends (see <see cref="T5TestModelOptions.EosTargetLength"/>).</summary>
    public const int EosTargetLength = 64;

    private const int Seed = 7;
    private const string CompleteMarker = ".complete";

    private static readonly string[] TokenizerFiles = ["spiece.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>
    /// The hash of the files the generator writes for a tiny model (well under a second): it changes when the generator's
    /// output changes, and not when the same generator code is merely rebuilt elsewhere (as BenchmarkDotNet does, which
    /// gives the assembly other bytes).
    /// </summary>
    private static readonly Lazy<byte[]> GeneratorFingerprint = new(() =>
    {
        string directory = Directory.CreateTempSubdirectory("synthie-generator-fingerprint-").FullName;
        try
        {
            T5TestModel.Write(directory, T5TestModelOptions.Tiny);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
                hash.AppendData(File.ReadAllBytes(file));
            }

            return hash.GetHashAndReset();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    /// <summary>Gets the generator options of a shape name: <c>tiny</c>, <c>base</c> (flan-t5-base) or <c>large</c> (flan-t5-large).</summary>
    public static T5TestModelOptions Options(string shape) => shape switch
    {
        "tiny" => T5TestModelOptions.Tiny with { Seed = Seed, EosTargetLength = EosTargetLength },
        "base" => T5TestModelOptions.FlanT5Base with { Seed = Seed, EosTargetLength = EosTargetLength },
        "large" => T5TestModelOptions.FlanT5Large with { Seed = Seed, EosTargetLength = EosTargetLength },
        _ => throw new ArgumentException($"Unknown model shape '{shape}': use tiny, base or large.", nameof(shape)),
    };

    /// <summary>Returns the cached model directory of <paramref name="shape"/>, generating it first when missing.</summary>
    /// <param name="shape"><c>tiny</c>, <c>base</c> or <c>large</c>.</param>
    /// <param name="log">Progress messages.</param>
    /// <returns>The model directory.</returns>
    public static string Prepare(string shape, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        T5TestModelOptions options = Options(shape);
        string worldSource = BenchmarkPaths.SharedFile("data/synthie/prefix-allowed-cases.json");
        string cache = BenchmarkPaths.ModelCache();
        string directory = Path.Combine(cache, $"{shape}-{Key(options, worldSource)}");
        if (File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            return directory;
        }

        Directory.CreateDirectory(cache);
        foreach (string stale in Directory.EnumerateDirectories(cache, shape + "-*").Where(d => d != directory && !d.Contains(".tmp-", StringComparison.Ordinal)))
        {
            log.WriteLine($"note: {stale} is a model of an older generator or world; delete it to free disk space.");
        }

        string temporary = $"{directory}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        log.WriteLine($"generating the {shape} model ({options.ParameterCount / 1e6:F0}M parameters) into {directory} ...");
        long start = Stopwatch.GetTimestamp();
        T5TestModel.Write(temporary, options with { WriteTransformersJsLayout = false });
        LinkTransformersJsLayout(temporary);
        foreach (string file in TokenizerFiles)
        {
            File.Copy(BenchmarkPaths.SharedFile("data/t5-tokenizer/" + file), Path.Combine(temporary, file));
        }

        (int entities, int relations) = WriteWorld(worldSource, Path.Combine(temporary, "world"));
        new SynthIEManifest { Name = $"generated-flan-t5-{shape}-shape", Linearization = "fully_expanded", LengthPenalty = 0.8, World = "world" }
            .Save(Path.Combine(temporary, SynthIEManifest.FileName));
        File.WriteAllText(Path.Combine(temporary, CompleteMarker), options.ToString());
        Directory.Move(temporary, directory);
        log.WriteLine($"generated in {Stopwatch.GetElapsedTime(start).TotalSeconds:F0} s (world: {entities:N0} entities, {relations:N0} relations)");
        return directory;
    }

    /// <summary>A stable key over the options, what the generator writes and the world source.</summary>
    private static string Key(T5TestModelOptions options, string worldSource)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(options.ToString()));
        hash.AppendData(GeneratorFingerprint.Value);
        hash.AppendData(File.ReadAllBytes(worldSource));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    /// <summary>transformers.js loads <c>onnx/encoder_model.onnx</c> and <c>onnx/decoder_model_merged.onnx</c>: link, don't copy.</summary>
    private static void LinkTransformersJsLayout(string directory)
    {
        string onnx = Directory.CreateDirectory(Path.Combine(directory, "onnx")).FullName;
        foreach (string name in new[] { T5TestModel.EncoderFileName, T5TestModel.DecoderMergedFileName })
        {
            foreach (string file in new[] { name, name + "_data" })
            {
                if (File.Exists(Path.Combine(directory, file)))
                {
                    File.CreateSymbolicLink(Path.Combine(onnx, file), Path.Combine("..", file));
                }
            }
        }
    }

    /// <summary>Writes the SynthIE names of shared/'s catalog (7,349 entities, 771 relations) as a simple-files world.</summary>
    private static (int Entities, int Relations) WriteWorld(string source, string directory)
    {
        Directory.CreateDirectory(directory);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(source));
        string[] entities = [.. document.RootElement.GetProperty("entity_names").EnumerateArray().Select(e => e.GetString()!)];
        string[] relations = [.. document.RootElement.GetProperty("relation_names").EnumerateArray().Select(e => e.GetString()!)];
        File.WriteAllLines(Path.Combine(directory, "entities.txt"), entities);
        File.WriteAllLines(Path.Combine(directory, "relations.txt"), relations);
        return (entities.Length, relations.Length);
    }
}

using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>
/// Feeds a fixed decoder id sequence through a generated model three ways — full prefix each step (decoder_model),
/// KV cache (decoder_model at step 0, then decoder_with_past_model), and the merged decoder — returning each step's
/// next-token logits per batch row.
/// </summary>
internal sealed class TeacherForcedDecoding
{
    private readonly OrtSessions _sessions;
    private readonly T5TestModelOptions _options;

    public TeacherForcedDecoding(OrtSessions sessions, T5TestModelOptions options)
    {
        _sessions = sessions;
        _options = options;
    }

    /// <summary>Right-pads <paramref name="rows"/> with 0 and returns ids and mask, both [batch, longest].</summary>
    public static (long[] Ids, long[] Mask, int Length) Pad(IReadOnlyList<long[]> rows)
    {
        int length = rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        for (int b = 0; b < rows.Count; b++)
        {
            rows[b].CopyTo(ids, b * length);
            mask.AsSpan(b * length, rows[b].Length).Fill(1);
        }

        return (ids, mask, length);
    }

    public FloatTensor Encode(long[] ids, long[] mask, int batch, int length)
        => OrtSessions.Run(_sessions.Encoder, [
            (T5TensorNames.InputIds, OrtSessions.Int64s(ids, batch, length)),
            (T5TensorNames.AttentionMask, OrtSessions.Int64s(mask, batch, length))])[T5TensorNames.LastHiddenState];

    /// <summary>decoder_model.onnx on the whole prefix ids[:, 0..t] at every step t.</summary>
    public List<float[][]> FullPrefix(FloatTensor hidden, long[] mask, long[][] decoderIds)
    {
        int batch = decoderIds.Length, steps = decoderIds[0].Length;
        var result = new List<float[][]>();
        for (int t = 0; t < steps; t++)
        {
            long[] prefix = [.. decoderIds.SelectMany(row => row.Take(t + 1))];
            Dictionary<string, FloatTensor> outputs = OrtSessions.Run(_sessions.Decoder, [.. CommonInputs(hidden, mask, prefix, batch, t + 1)]);
            result.Add(Rows(outputs[T5TensorNames.Logits], batch));
        }

        return result;
    }

    /// <summary>decoder_model.onnx at step 0, then decoder_with_past_model.onnx with the cache.</summary>
    public List<float[][]> WithPast(FloatTensor hidden, long[] mask, long[][] decoderIds)
    {
        int batch = decoderIds.Length, steps = decoderIds[0].Length;
        var result = new List<float[][]>();
        Dictionary<string, FloatTensor> first = OrtSessions.Run(_sessions.Decoder, [.. CommonInputs(hidden, mask, Column(decoderIds, 0), batch, 1)]);
        result.Add(Rows(first[T5TensorNames.Logits], batch));
        Dictionary<string, FloatTensor> selfCache = first, crossCache = first;
        for (int t = 1; t < steps; t++)
        {
            List<(string, OrtValue)> inputs = CommonInputs(hidden, mask, Column(decoderIds, t), batch, 1);
            inputs.AddRange(PastInputs(selfCache, crossCache));
            Dictionary<string, FloatTensor> outputs = OrtSessions.Run(_sessions.DecoderWithPast, inputs);
            result.Add(Rows(outputs[T5TensorNames.Logits], batch));
            selfCache = outputs;
        }

        return result;
    }

    /// <summary>
    /// decoder_model_merged.onnx: step 0 with <c>use_cache_branch = false</c> and dummy pasts of length
    /// <paramref name="dummyPastLength"/> (0 as transformers.js, 1 as optimum), then <c>true</c> with the cache.
    /// Also returns the shapes of the encoder presents the cache branch produced.
    /// </summary>
    public (List<float[][]> Logits, List<long[]> CacheBranchEncoderPresentShapes) Merged(FloatTensor hidden, long[] mask, long[][] decoderIds, int dummyPastLength)
    {
        int batch = decoderIds.Length, steps = decoderIds[0].Length;
        int heads = _options.NumHeads, dkv = _options.DKv;
        var result = new List<float[][]>();
        var encoderPresentShapes = new List<long[]>();
        Dictionary<string, FloatTensor>? selfCache = null, crossCache = null;
        for (int t = 0; t < steps; t++)
        {
            List<(string, OrtValue)> inputs = CommonInputs(hidden, mask, Column(decoderIds, t), batch, 1);
            if (t == 0)
            {
                for (int layer = 0; layer < _options.NumDecoderLayers; layer++)
                {
                    foreach (string kind in new[] { "decoder", "encoder" })
                    {
                        inputs.Add((T5TensorNames.PastKey(layer, kind), Dummy(batch, heads, dummyPastLength, dkv)));
                        inputs.Add((T5TensorNames.PastValue(layer, kind), Dummy(batch, heads, dummyPastLength, dkv)));
                    }
                }

                SortLikeSession(inputs);
            }
            else
            {
                inputs.AddRange(PastInputs(selfCache!, crossCache!));
            }

            inputs.Add((T5TensorNames.UseCacheBranch, OrtSessions.Bool(t > 0)));
            Dictionary<string, FloatTensor> outputs = OrtSessions.Run(_sessions.DecoderMerged, inputs);
            result.Add(Rows(outputs[T5TensorNames.Logits], batch));
            selfCache = outputs;
            if (t == 0)
            {
                crossCache = outputs;
            }
            else
            {
                encoderPresentShapes.Add(outputs[T5TensorNames.PresentKey(0, "encoder")].Shape);
            }
        }

        return (result, encoderPresentShapes);
    }

    private static OrtValue Dummy(int batch, int heads, int length, int dkv)
        => length == 0
            ? OrtSessions.EmptyFloats(batch, heads, 0, dkv)
            : OrtSessions.Floats(new FloatTensor(new float[batch * heads * length * dkv], [batch, heads, length, dkv]));

    private static void SortLikeSession(List<(string Name, OrtValue Value)> inputs)
    {
        // Order does not matter to ONNX Runtime (inputs are bound by name); keep the list tidy for debugging.
        inputs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    private static long[] Column(long[][] rows, int t) => [.. rows.Select(r => r[t])];

    private static List<(string, OrtValue)> CommonInputs(FloatTensor hidden, long[] mask, long[] ids, int batch, int length) =>
    [
        (T5TensorNames.EncoderAttentionMask, OrtSessions.Int64s(mask, hidden.Shape[0], hidden.Shape[1])),
        (T5TensorNames.InputIds, OrtSessions.Int64s(ids, batch, length)),
        (T5TensorNames.EncoderHiddenStates, OrtSessions.Floats(hidden)),
    ];

    private IEnumerable<(string, OrtValue)> PastInputs(Dictionary<string, FloatTensor> selfCache, Dictionary<string, FloatTensor> crossCache)
    {
        for (int layer = 0; layer < _options.NumDecoderLayers; layer++)
        {
            yield return (T5TensorNames.PastKey(layer, "decoder"), OrtSessions.Floats(selfCache[T5TensorNames.PresentKey(layer, "decoder")]));
            yield return (T5TensorNames.PastValue(layer, "decoder"), OrtSessions.Floats(selfCache[T5TensorNames.PresentValue(layer, "decoder")]));
            yield return (T5TensorNames.PastKey(layer, "encoder"), OrtSessions.Floats(crossCache[T5TensorNames.PresentKey(layer, "encoder")]));
            yield return (T5TensorNames.PastValue(layer, "encoder"), OrtSessions.Floats(crossCache[T5TensorNames.PresentValue(layer, "encoder")]));
        }
    }

    private static float[][] Rows(FloatTensor logits, int batch) => [.. Enumerable.Range(0, batch).Select(logits.LastPosition)];
}

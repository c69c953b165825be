using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.TestModels.T5;

namespace SynthIE.Inference.Tests.TestModels;

/// <summary>Plain greedy decoding (batch 1, KV cache through the merged decoder), to look at what a generated model says.</summary>
internal static class GreedyDecoding
{
    public static List<long> Run(OrtSessions sessions, T5TestModelOptions options, long[] inputIds, int maxNewTokens)
    {
        long[] mask = [.. inputIds.Select(_ => 1L)];
        FloatTensor hidden = OrtSessions.Run(sessions.Encoder, [
            (T5TensorNames.InputIds, OrtSessions.Int64s(inputIds, 1, inputIds.Length)),
            (T5TensorNames.AttentionMask, OrtSessions.Int64s(mask, 1, mask.Length))])[T5TensorNames.LastHiddenState];
        var output = new List<long>();
        long last = 0;
        Dictionary<string, FloatTensor>? cache = null, cross = null;
        for (int step = 0; step < maxNewTokens; step++)
        {
            var inputs = new List<(string, OrtValue)>
            {
                (T5TensorNames.EncoderAttentionMask, OrtSessions.Int64s(mask, 1, mask.Length)),
                (T5TensorNames.InputIds, OrtSessions.Int64s([last], 1, 1)),
                (T5TensorNames.EncoderHiddenStates, OrtSessions.Floats(hidden)),
            };
            for (int layer = 0; layer < options.NumDecoderLayers; layer++)
            {
                foreach (string kind in new[] { "decoder", "encoder" })
                {
                    Dictionary<string, FloatTensor>? source = kind == "decoder" ? cache : cross;
                    inputs.Add((T5TensorNames.PastKey(layer, kind), source is null
                        ? OrtSessions.EmptyFloats(1, options.NumHeads, 0, options.DKv)
                        : OrtSessions.Floats(source[T5TensorNames.PresentKey(layer, kind)])));
                    inputs.Add((T5TensorNames.PastValue(layer, kind), source is null
                        ? OrtSessions.EmptyFloats(1, options.NumHeads, 0, options.DKv)
                        : OrtSessions.Floats(source[T5TensorNames.PresentValue(layer, kind)])));
                }
            }

            inputs.Add((T5TensorNames.UseCacheBranch, OrtSessions.Bool(cache is not null)));
            Dictionary<string, FloatTensor> outputs = OrtSessions.Run(sessions.DecoderMerged, inputs);
            cross ??= outputs;
            cache = outputs;
            float[] logits = outputs[T5TensorNames.Logits].LastPosition(0);
            last = ArgMax(logits);
            output.Add(last);
            if (last == 1)
            {
                break;
            }
        }

        return output;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

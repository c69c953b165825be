using SynthIE.Inference.Constraints;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// A deliberately plain port of transformers 4.23.1 <c>beam_search</c> / <c>BeamSearchScorer</c> / <c>BeamHypotheses</c>
/// and <c>greedy_search</c>, for differential tests: whole rows, the full log-softmaxed and masked row, a full sort of
/// the K×V scores, token lists copied per beam, done items kept in the batch and fed padding from row 0 exactly as
/// transformers does, and the constraint re-walked over each whole history like a <c>prefix_allowed_tokens_fn</c>.
/// Shares only the row normalizer (<see cref="LogSoftmax.TryNormalize"/>) with the code under test.
/// </summary>
internal static class ReferenceSearch
{
    public sealed record Hypothesis(int[] Tokens, float Sum, double Score, FinishReason Reason);

    public static List<List<Hypothesis>> Beam(
        DecodingOptions options, int batchSize, int vocabularySize, Func<int, IReadOnlyList<int>, float[]> logitsOf, out int steps)
    {
        int k = options.NumBeams;
        int v = vocabularySize;
        int rows = batchSize * k;
        int eos = options.EosTokenId;
        double lp = options.LengthPenalty;
        var inputIds = Enumerable.Range(0, rows).Select(_ => new List<int> { options.DecoderStartTokenId }).ToList();
        var beamScores = Enumerable.Range(0, rows).Select(r => r % k == 0 ? 0f : -1e9f).ToArray();
        var hyps = Enumerable.Range(0, batchSize).Select(_ => new List<(double Score, int[] Tokens, float Sum, bool Eos)>()).ToArray();
        var worst = Enumerable.Repeat(1e9, batchSize).ToArray();
        var done = new bool[batchSize];
        var scratch = new float[v];
        steps = 0;

        void Add(int b, List<int> tokens, float sum, bool isEos)
        {
            double score = sum / Math.Pow(tokens.Count, lp);
            if (hyps[b].Count < k || score > worst[b])
            {
                hyps[b].Add((score, [.. tokens], sum, isEos));
                if (hyps[b].Count > k)
                {
                    var sorted = hyps[b].Select((h, idx) => (h.Score, idx)).OrderBy(x => x.Score).ThenBy(x => x.idx).ToList();
                    hyps[b].RemoveAt(sorted[0].idx);
                    worst[b] = sorted[1].Score;
                }
                else
                {
                    worst[b] = Math.Min(score, worst[b]);
                }
            }
        }

        while (true)
        {
            steps++;
            int curLen = inputIds[0].Count;
            var scores = new float[rows][];
            for (int r = 0; r < rows; r++)
            {
                float[] logits = logitsOf(r / k, inputIds[r]);
                Assert.True(LogSoftmax.TryNormalize(logits, scratch, out float max, out float logSum));
                float[] logp = logits.Select(x => LogSoftmax.LogProbability(x, max, logSum)).ToArray();
                int[]? allowed = AllowedAfter(options.Constraint, inputIds[r]);
                var mask = new float[v];
                if (allowed is not null)
                {
                    Array.Fill(mask, float.NegativeInfinity);
                    foreach (int id in allowed)
                    {
                        mask[id] = 0f;
                    }
                }

                scores[r] = Enumerable.Range(0, v).Select(t => (logp[t] + mask[t]) + beamScores[r]).ToArray();
            }

            var nextScores = new float[rows];
            var nextTokens = new int[rows];
            var nextIndices = new int[rows];
            for (int b = 0; b < batchSize; b++)
            {
                // torch.topk(2K) over the item's K*V row; equal scores: lower flat index first.
                var top = Enumerable.Range(0, k * v)
                    .Select(flat => (Score: scores[(b * k) + (flat / v)][flat % v], Flat: flat))
                    .OrderByDescending(c => c.Score).ThenBy(c => c.Flat)
                    .Take(2 * k).ToList();
                if (done[b])
                {
                    for (int j = 0; j < k; j++)
                    {
                        nextScores[(b * k) + j] = 0f;
                        nextTokens[(b * k) + j] = options.PadTokenId;
                        nextIndices[(b * k) + j] = 0;
                    }

                    continue;
                }

                int beamIdx = 0;
                for (int rank = 0; rank < top.Count; rank++)
                {
                    int token = top[rank].Flat % v;
                    int batchBeamIdx = (b * k) + (top[rank].Flat / v);
                    if (token == eos)
                    {
                        if (rank >= k)
                        {
                            continue;
                        }

                        Add(b, inputIds[batchBeamIdx], top[rank].Score, isEos: true);
                    }
                    else
                    {
                        nextScores[(b * k) + beamIdx] = top[rank].Score;
                        nextTokens[(b * k) + beamIdx] = token;
                        nextIndices[(b * k) + beamIdx] = batchBeamIdx;
                        beamIdx++;
                    }

                    if (beamIdx == k)
                    {
                        break;
                    }
                }

                Assert.Equal(k, beamIdx);
                double best = top.Max(c => c.Score);
                done[b] = done[b] || (hyps[b].Count >= k && worst[b] >= best / Math.Pow(curLen, lp));
            }

            inputIds = Enumerable.Range(0, rows).Select(r => new List<int>(inputIds[nextIndices[r]]) { nextTokens[r] }).ToList();
            beamScores = nextScores;
            if (done.All(d => d) || inputIds[0].Count >= options.MaxLength)
            {
                break;
            }
        }

        var results = new List<List<Hypothesis>>();
        for (int b = 0; b < batchSize; b++)
        {
            if (!done[b])
            {
                for (int j = 0; j < k; j++)
                {
                    Add(b, inputIds[(b * k) + j], beamScores[(b * k) + j], isEos: false);
                }
            }

            // Python: sorted(beams, key=score) is stable ascending; pop() takes from the end.
            var sorted = hyps[b].OrderBy(h => h.Score).ToList();
            var best = new List<Hypothesis>();
            for (int j = 0; j < options.NumReturnSequences; j++)
            {
                var h = sorted[^1];
                sorted.RemoveAt(sorted.Count - 1);
                int[] tokens = h.Eos ? [.. h.Tokens, eos] : h.Tokens;
                best.Add(new Hypothesis(tokens, h.Sum, h.Score, h.Eos ? FinishReason.EndOfSequence : FinishReason.MaxLength));
            }

            results.Add(best);
        }

        return results;
    }

    public static List<Hypothesis> Greedy(
        DecodingOptions options, int batchSize, int vocabularySize, Func<int, IReadOnlyList<int>, float[]> logitsOf)
    {
        var results = new List<Hypothesis>();
        var scratch = new float[vocabularySize];
        for (int b = 0; b < batchSize; b++)
        {
            var ids = new List<int> { options.DecoderStartTokenId };
            float sum = 0f;
            while (true)
            {
                float[] logits = logitsOf(b, ids);
                Assert.True(LogSoftmax.TryNormalize(logits, scratch, out float max, out float logSum));
                int[]? allowed = AllowedAfter(options.Constraint, ids);
                float[] masked = [.. logits.Select((x, t) => allowed is null || allowed.Contains(t) ? x : float.NegativeInfinity)];
                int argmax = 0;
                for (int t = 1; t < masked.Length; t++)
                {
                    if (masked[t] > masked[argmax])
                    {
                        argmax = t;
                    }
                }

                float logp = LogSoftmax.LogProbability(logits[argmax], max, logSum);
                if (allowed is not null && !allowed.Contains(argmax))
                {
                    logp = float.NegativeInfinity;
                }

                sum = logp + sum;
                if (argmax == options.EosTokenId)
                {
                    results.Add(new Hypothesis([.. ids, argmax], sum, sum / Math.Pow(ids.Count, options.LengthPenalty), FinishReason.EndOfSequence));
                    break;
                }

                ids.Add(argmax);
                if (ids.Count >= options.MaxLength)
                {
                    results.Add(new Hypothesis([.. ids], sum, sum / Math.Pow(ids.Count, options.LengthPenalty), FinishReason.MaxLength));
                    break;
                }
            }
        }

        return results;
    }

    // prefix_allowed_tokens_fn: walk the whole history from the initial state; null = unconstrained.
    private static int[]? AllowedAfter(ITokenConstraint? constraint, List<int> history)
    {
        if (constraint is null)
        {
            return null;
        }

        ConstraintState state = constraint.Initial;
        for (int i = 1; i < history.Count; i++)
        {
            if (!constraint.Allowed(state).Contains(history[i]))
            {
                return []; // took a disallowed token: nothing is allowed afterwards
            }

            state = constraint.Advance(state, history[i]);
        }

        return constraint.Allowed(state).ToArray();
    }
}

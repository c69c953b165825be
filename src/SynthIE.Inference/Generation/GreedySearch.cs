using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Greedy search with the semantics of transformers 4.23.1 <c>greedy_search</c>: the next token is the argmax of the
/// processed raw logits (disallowed tokens −∞; the first index among equal maxima, like <c>torch.argmax</c>; index 0 when
/// the whole masked row is −∞); an item stops at the end token or at <c>max_new_tokens + 1</c> tokens.
/// </summary>
/// <remarks>
/// transformers' greedy search returns no scores. This one reports the score beam search with one beam would give the
/// same tokens (<c>SumLogProbs</c> = float32 sum of <c>log_softmax</c> values, <c>Score = sum / length ** lp</c>), so
/// greedy and one-beam results compare directly. Finished items leave the decoder (fewer rows via
/// <see cref="IDecoderStep.Reorder"/>) instead of being fed padding. A hypothesis that took a disallowed token (only
/// possible when nothing was allowed) is allowed nothing afterwards.
/// </remarks>
internal sealed class GreedySearch : ISearchStrategy
{
    private readonly DecodingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="GreedySearch"/> class.</summary>
    /// <param name="options">The decoding options; <see cref="DecodingOptions.NumBeams"/> must be 1.</param>
    public GreedySearch(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NumBeams != 1)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Greedy search needs DecodingOptions.NumBeams = 1 (was {options.NumBeams})."),
                nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc/>
    public IReadOnlyList<GeneratedSequence>[] Search(IDecoderStep decoder, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        int vocabularySize = decoder.VocabularySize;
        Debug.Assert(_options.IsValid(vocabularySize), "DecodingOptions are validated once, when the extractor loads.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (decoder.RowCount != batchSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The decoder holds {decoder.RowCount} rows; greedy search over a batch of {batchSize} needs {batchSize}."),
                nameof(decoder));
        }

        LogitsProcessorList processors = LogitsProcessorList.Create(_options, vocabularySize);
        processors.Reset(batchSize);
        int maxLength = _options.MaxLength;
        var tokens = new int[batchSize * maxLength];
        var sums = new float[batchSize];
        var active = new int[batchSize];
        var input = new long[batchSize];
        var sources = new int[batchSize];
        var processorSources = new int[batchSize];
        var processorTokens = new int[batchSize];
        var scratch = new float[vocabularySize];
        var results = new IReadOnlyList<GeneratedSequence>[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            active[b] = b;
            tokens[b * maxLength] = _options.DecoderStartTokenId;
            input[b] = _options.DecoderStartTokenId;
        }

        int activeCount = batchSize;
        int length = 1;
        float[] logits = ArrayPool<float>.Shared.Rent(batchSize * vocabularySize);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                decoder.Step(input.AsSpan(0, activeCount), logits.AsSpan(0, activeCount * vocabularySize));
                processorSources.AsSpan().Fill(-1);
                int running = 0;
                for (int position = 0; position < activeCount; position++)
                {
                    int item = active[position];
                    ReadOnlySpan<float> row = logits.AsSpan(position * vocabularySize, vocabularySize);
                    (int token, float logProbability, bool disallowed) = Choose(processors, item, row, scratch, length);
                    sums[item] += logProbability;
                    processorSources[item] = item;
                    processorTokens[item] = disallowed ? -1 : token;
                    if (token == _options.EosTokenId)
                    {
                        results[item] = new[] { Result(tokens.AsSpan(item * maxLength, length), _options.EosTokenId, sums[item], length, FinishReason.EndOfSequence) };
                        continue;
                    }

                    tokens[(item * maxLength) + length] = token;
                    active[running] = item;
                    input[running] = token;
                    sources[running] = position;
                    running++;
                }

                processors.Advance(processorSources, processorTokens);
                length++;
                if (running > 0 && length >= maxLength)
                {
                    for (int position = 0; position < running; position++)
                    {
                        int item = active[position];
                        results[item] = new[] { Result(tokens.AsSpan(item * maxLength, length), -1, sums[item], length, FinishReason.MaxLength) };
                    }

                    running = 0;
                }

                if (running == 0)
                {
                    return results;
                }

                if (running != activeCount)
                {
                    decoder.Reorder(sources.AsSpan(0, running));
                }

                activeCount = running;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
        }
    }

    private static (int Token, float LogProbability, bool Disallowed) Choose(
        LogitsProcessorList processors, int item, ReadOnlySpan<float> row, Span<float> scratch, int length)
    {
        if (!LogSoftmax.TryNormalize(row, scratch, out float max, out float logSum))
        {
            ThrowHelper.NonFiniteLogits(item, -1, length);
        }

        if (!processors.TryGetAllowedTokens(item, out ReadOnlySpan<int> allowed))
        {
            int argmax = row.IndexOf(max);
            return (argmax, LogSoftmax.LogProbability(max, max, logSum), false);
        }

        int best = -1;
        float bestLogit = float.NegativeInfinity;
        foreach (int token in allowed)
        {
            if ((uint)token >= (uint)row.Length)
            {
                ThrowHelper.TokenOutsideVocabulary("The constraint", token, row.Length);
            }

            float logit = row[token];
            if (logit > bestLogit || (logit == bestLogit && token < best))
            {
                best = token;
                bestLogit = logit;
            }
        }

        if (float.IsNegativeInfinity(bestLogit))
        {
            // The masked row is all −∞: torch.argmax returns index 0.
            return (0, float.NegativeInfinity, !allowed.Contains(0));
        }

        return (best, LogSoftmax.LogProbability(bestLogit, max, logSum), false);
    }

    private GeneratedSequence Result(ReadOnlySpan<int> history, int appended, float sum, int length, FinishReason reason)
    {
        int[] ids = new int[appended >= 0 ? history.Length + 1 : history.Length];
        history.CopyTo(ids);
        if (appended >= 0)
        {
            ids[^1] = appended;
        }

        return new GeneratedSequence(ids, sum, sum / Math.Pow(length, _options.LengthPenalty), reason);
    }
}

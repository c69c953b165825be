using System.Buffers;
using System.Globalization;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Beam search with exactly the semantics of transformers 4.23.1 <c>beam_search</c> + <c>BeamSearchScorer</c>
/// (<c>early_stopping=False</c>, one end token, no other logits processors than the constraint).
/// </summary>
/// <remarks>
/// <para>Per step, in float32 as PyTorch: <c>logp = log_softmax(logits)</c> over the whole row (padding ids included),
/// disallowed tokens <c>+ −∞</c>, <c>scores = logp + beam_score</c>; the item's K×V scores give the top 2K candidates,
/// walked in rank order: an end token at rank &lt; K becomes a hypothesis (its tokens without the end token, its score
/// as sum), one at rank ≥ K is skipped; other tokens fill the K next beams. The item is done when it holds K hypotheses
/// and the worst is ≥ <c>best candidate / cur_len ** lp</c>. The search stops when every item is done or the length
/// reaches <c>max_new_tokens + 1</c>; then the beams of items not done become hypotheses. Beam scores start at 0 for beam
/// 0 and −1e9 (float32) for the others. Hypothesis scores, the done test and the final ranking use doubles, like Python.</para>
/// <para>Choices where transformers is unspecified or where this port differs without changing results:
/// (1) equal candidate scores are ranked by lower flat index <c>beam * V + token</c> first (<c>torch.topk</c> leaves it
/// open; transformers.js does this); (2) a done item leaves the decoder (rows dropped by <see cref="IDecoderStep.Reorder"/>)
/// instead of being fed padding, which cannot change any result because a done item's hypotheses are frozen, but it
/// changes the decoder's batch size, which in ONNX Runtime can move logits by rounding; (3) a hypothesis whose score is
/// −∞ (it took a disallowed token) is allowed nothing afterwards, so the constraint never sees a disallowed token; its
/// candidates are −∞ whatever the constraint says, so the result is the same; (4) the log-softmax row is never written:
/// only the scores the top-2K selection needs are computed, with the same float32 operations.</para>
/// </remarks>
internal sealed class BeamSearch : ISearchStrategy
{
    private readonly DecodingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="BeamSearch"/> class.</summary>
    /// <param name="options">The decoding options (any <see cref="DecodingOptions.NumBeams"/> ≥ 1).</param>
    public BeamSearch(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc/>
    public IReadOnlyList<GeneratedSequence>[] Search(IDecoderStep decoder, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        int vocabularySize = decoder.VocabularySize;
        var state = new BeamSearchState(_options, batchSize, vocabularySize, LogitsProcessorList.Create(_options, vocabularySize));
        if (decoder.RowCount != state.ActiveRowCount)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The decoder holds {decoder.RowCount} rows; a batch of {batchSize} with {_options.NumBeams} beams needs {state.ActiveRowCount}."),
                nameof(decoder));
        }

        float[] logits = ArrayPool<float>.Shared.Rent(state.ActiveRowCount * vocabularySize);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = state.ActiveRowCount;
                Span<float> stepLogits = logits.AsSpan(0, rows * vocabularySize);
                decoder.Step(state.InputTokens, stepLogits);
                state.Advance(stepLogits);
                if (state.IsFinished)
                {
                    return state.Finish();
                }

                decoder.Reorder(state.DecoderSourceRows);
                if (decoder.RowCount != state.ActiveRowCount)
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The decoder holds {decoder.RowCount} rows after Reorder; expected {state.ActiveRowCount}."));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
        }
    }
}

using System.Diagnostics;

namespace SynthIE.Inference.Generation;

/// <summary>
/// Runs generation for a batch of tokenized inputs over an <see cref="IEncoderDecoder"/>: right-pads them, encodes once,
/// and drives the decoder with the search transformers 4.23.1 would pick (beam search, or greedy for one beam). Stateless
/// apart from the shared model; thread-safe.
/// </summary>
internal sealed class Generator
{
    private readonly IEncoderDecoder _model;

    /// <summary>Initializes a new instance of the <see cref="Generator"/> class.</summary>
    /// <param name="model">The model.</param>
    public Generator(IEncoderDecoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <summary>Generates for each input, in input order.</summary>
    /// <param name="inputs">Token ids of each input (already truncated, with the end token).</param>
    /// <param name="options">Decoding options, already validated (<see cref="DecodingOptions.Validate(int)"/>) for this model's vocabulary size.</param>
    /// <param name="cancellationToken">Stops generation within one decoding step.</param>
    /// <param name="observer">Told where the time went, or <see langword="null"/>.</param>
    /// <returns>For each input, the <see cref="DecodingOptions.NumReturnSequences"/> best sequences, best first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the exception carries it).</exception>
    public IReadOnlyList<GeneratedSequence>[] Generate(
        IReadOnlyList<int[]> inputs, DecodingOptions options, CancellationToken cancellationToken, IGenerationObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        Debug.Assert(options.IsValid(_model.VocabularySize), "DecodingOptions are validated once, when the extractor loads.");
        if (inputs.Count == 0)
        {
            return [];
        }

        long start = observer is null ? 0 : Stopwatch.GetTimestamp();
        PaddedBatch batch = PaddedBatch.RightPad(inputs);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<GeneratedSequence>[] results;
        try
        {
            using IEncodedBatch encoded = _model.Encode(batch, observer, cancellationToken);
            using IDecoderSession decoder = encoded.CreateDecoder(options.NumBeams);
            results = SearchStrategies.Create(options).Search(decoder, batch.ItemCount, cancellationToken);
        }
        catch (OperationCanceledException error) when (error.CancellationToken != cancellationToken && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Generation was cancelled.", error, cancellationToken);
        }

        if (observer is not null)
        {
            long tokens = 0;
            foreach (IReadOnlyList<GeneratedSequence> item in results)
            {
                tokens += item.Count > 0 ? item[0].TokenIds.Count - 1 : 0;
            }

            observer.GenerationEnded(tokens, Stopwatch.GetTimestamp() - start);
        }

        return results;
    }
}

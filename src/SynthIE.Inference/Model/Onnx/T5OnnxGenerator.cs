using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Model.Onnx;

/// <summary>
/// Runs generation for a batch of tokenized inputs: right-pads them, encodes once, and drives the decoder with a
/// search strategy (beam search, or greedy for one beam). Stateless apart from the shared model; thread-safe.
/// </summary>
internal sealed class T5OnnxGenerator
{
    private readonly T5OnnxModel _model;

    public T5OnnxGenerator(T5OnnxModel model) => _model = model;

    /// <summary>Generates for each input, in input order.</summary>
    /// <param name="inputs">Token ids of each input (already truncated, with the end token).</param>
    /// <param name="options">Decoding options (validated here).</param>
    /// <param name="cancellationToken">Stops generation within one decoding step.</param>
    /// <param name="statistics">Receives where the time went, or <see langword="null"/>.</param>
    /// <returns>For each input, the <see cref="DecodingOptions.NumReturnSequences"/> best sequences, best first.</returns>
    public IReadOnlyList<GeneratedSequence>[] Generate(IReadOnlyList<int[]> inputs, DecodingOptions options, CancellationToken cancellationToken, GenerationStatistics? statistics = null)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<GeneratedSequence>[] results = GenerateCore(inputs, options, statistics, cancellationToken);
            if (statistics is not null)
            {
                foreach (IReadOnlyList<GeneratedSequence> item in results)
                {
                    statistics.GeneratedTokens += item.Count > 0 ? item[0].TokenIds.Count - 1 : 0;
                }
            }

            return results;
        }
        finally
        {
            if (statistics is not null)
            {
                statistics.TotalTicks += Stopwatch.GetTimestamp() - start;
            }
        }
    }

    private IReadOnlyList<GeneratedSequence>[] GenerateCore(IReadOnlyList<int[]> inputs, DecodingOptions options, GenerationStatistics? statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        if (inputs.Count == 0)
        {
            return [];
        }

        options.Validate(_model.Config.VocabularySize);
        cancellationToken.ThrowIfCancellationRequested();
        int items = inputs.Count;
        int length = 1;
        foreach (int[] input in inputs)
        {
            if (input.Length == 0)
            {
                throw new ArgumentException("Every input must hold at least one token (the end token).", nameof(inputs));
            }

            length = Math.Max(length, input.Length);
        }

        var ids = new long[items * length];
        var mask = new long[items * length];
        for (int item = 0; item < items; item++)
        {
            int[] input = inputs[item];
            for (int t = 0; t < input.Length; t++)
            {
                ids[(item * length) + t] = input[t];
                mask[(item * length) + t] = 1;
            }

            // Right padding with the pad token (0) and mask 0, as Hugging Face's tokenizer pads.
        }

        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        T5EncoderOutput encoded;
        long encodeStart = Stopwatch.GetTimestamp();
        try
        {
            encoded = _model.Encode(ids, mask, items, length, runOptions);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Generation was cancelled while encoding.", cancellationToken);
        }
        finally
        {
            statistics?.AddEncoderRun(Stopwatch.GetTimestamp() - encodeStart);
        }

        using (encoded)
        {
            using var decoder = new T5OnnxDecoder(_model, encoded, options.NumBeams, runOptions, statistics);
            ISearchStrategy search = SearchStrategies.Create(options);
            try
            {
                return search.Search(decoder, items, cancellationToken);
            }
            catch (OperationCanceledException error) when (error.CancellationToken != cancellationToken && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("Generation was cancelled.", error, cancellationToken);
            }
        }
    }
}

namespace SynthIE.Inference.Generation;

/// <summary>Picks the search that transformers 4.23.1 <c>generate</c> would run for the options.</summary>
internal static class SearchStrategies
{
    /// <summary>Returns greedy search for one beam (transformers' <c>greedy_search</c>), beam search otherwise.</summary>
    /// <param name="options">The decoding options.</param>
    /// <returns>The search strategy.</returns>
    public static ISearchStrategy Create(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.NumBeams == 1 ? new GreedySearch(options) : new BeamSearch(options);
    }
}

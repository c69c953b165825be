namespace SynthIE.Inference.Constraints;

/// <summary>What went into a trie build.</summary>
/// <param name="Names">Names given.</param>
/// <param name="SkippedEmpty">Names left out because they give no token ids.</param>
/// <param name="Tokens">Token ids in the sequences kept.</param>
internal readonly record struct TrieBuildCounts(int Names, int SkippedEmpty, long Tokens);

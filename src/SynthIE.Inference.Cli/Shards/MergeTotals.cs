using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Extract;

namespace SynthIE.Inference.Cli.Shards;

/// <summary>What a merge found: the lines written, and per shard the documents that have no line in its file.</summary>
/// <param name="shards">The number of shards.</param>
internal sealed class MergeTotals(int shards)
{
    /// <summary>Gets or sets the number of lines written.</summary>
    public long Lines { get; set; }

    /// <summary>Gets, per shard, the number of its documents without a line.</summary>
    public int[] Missing { get; } = new int[shards];

    /// <summary>Gets, per shard, the first of its documents without a line (id and input location).</summary>
    public string[] FirstMissing { get; } = new string[shards];

    /// <summary>Counts a document that has no line in its shard's file.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="document">The document.</param>
    public void AddMissing(int shard, InputDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (Missing[shard]++ == 0)
        {
            FirstMissing[shard] = $"id {SafeText.Escape(document.Id.ToString())} ({document.Location})";
        }
    }
}

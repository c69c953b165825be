using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Shards;

namespace SynthIE.Inference.Tests.Shards;

/// <summary>--shard I/N and auto (Slurm, Kubernetes, AWS Batch variables), the round-robin partition and output path templates.</summary>
public sealed class ShardSpecTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Explicit_shard_is_parsed()
    {
        ShardSpec shard = ShardSpec.Parse("3/8", null, Env());
        Assert.Equal((3, 8), (shard.Index, shard.Count));
        Assert.Equal("3/8", shard.ToString());
    }

    [Theory]
    [InlineData("8/8", "shard 8 does not exist")]
    [InlineData("0/0", "must be 1 to")]
    [InlineData("3", "is not I/N")]
    [InlineData("-1/4", "is not I/N")]
    [InlineData("a/4", "is not I/N")]
    [InlineData("1/2/3", "is not I/N")]
    public void Bad_explicit_shards_are_usage_errors_naming_the_value(string value, string expected)
    {
        CliException error = Assert.Throws<CliException>(() => ShardSpec.Parse(value, null, Env()));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_position_belongs_to_exactly_one_shard_round_robin()
    {
        const int count = 4;
        ShardSpec[] shards = [.. Enumerable.Range(0, count).Select(i => new ShardSpec(i, count))];
        for (long position = 0; position < 103; position++)
        {
            Assert.Single(shards, s => s.Owns(position));
            Assert.True(shards[ShardSpec.OwnerOf(position, count)].Owns(position));
        }

        int[] sizes = [.. shards.Select(s => Enumerable.Range(0, 103).Count(p => s.Owns(p)))];
        Assert.Equal([26, 26, 26, 25], sizes);
    }

    [Fact]
    public void Auto_reads_a_slurm_array_with_min_and_step()
    {
        ShardSpec shard = ShardSpec.Parse("auto", null, Env(
            (ShardSpec.SlurmTaskId, "9"), (ShardSpec.SlurmTaskMin, "1"), (ShardSpec.SlurmTaskStep, "2"), (ShardSpec.SlurmTaskCount, "8")));
        Assert.Equal((4, 8), (shard.Index, shard.Count));
        Assert.Contains("SLURM_ARRAY_TASK_ID=9", shard.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_rejects_an_irregular_slurm_array()
    {
        CliException error = Assert.Throws<CliException>(() => ShardSpec.Parse("auto", null, Env(
            (ShardSpec.SlurmTaskId, "4"), (ShardSpec.SlurmTaskMin, "1"), (ShardSpec.SlurmTaskStep, "2"), (ShardSpec.SlurmTaskCount, "4"))));
        Assert.Contains("not a regular range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_reads_a_kubernetes_index_with_the_count_option()
    {
        ShardSpec shard = ShardSpec.Parse("auto", 16, Env((ShardSpec.KubernetesIndex, "15")));
        Assert.Equal((15, 16), (shard.Index, shard.Count));
        CliException missing = Assert.Throws<CliException>(() => ShardSpec.Parse("auto", null, Env((ShardSpec.KubernetesIndex, "15"))));
        Assert.Contains("--shard-count", missing.Message, StringComparison.Ordinal);
        CliException outside = Assert.Throws<CliException>(() => ShardSpec.Parse("auto", 15, Env((ShardSpec.KubernetesIndex, "15"))));
        Assert.Contains("shard 15 does not exist", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_without_any_variable_names_the_variables()
    {
        CliException error = Assert.Throws<CliException>(() => ShardSpec.Parse("auto", null, Env()));
        Assert.Contains(ShardSpec.SlurmTaskId, error.Message, StringComparison.Ordinal);
        Assert.Contains(ShardSpec.KubernetesIndex, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_option_must_agree_with_an_explicit_shard()
    {
        CliException error = Assert.Throws<CliException>(() => ShardSpec.Parse("1/4", 8, Env()));
        Assert.Contains("--shard-count says 8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out/facts-{shard:05}.jsonl", "out/facts-00007.jsonl")]
    [InlineData("out/{shard}-of-{count}.jsonl.gz", "out/7-of-12.jsonl.gz")]
    public void Output_templates_are_formatted(string template, string expected) =>
        Assert.Equal(expected, new ShardSpec(7, 12).FormatPath(template));

    [Theory]
    [InlineData("out/facts.jsonl", "no {shard} placeholder")]
    [InlineData("out/{part}.jsonl", "unknown placeholder '{part}'")]
    [InlineData("out/{shard.jsonl", "is not closed")]
    [InlineData("out/{shard:x5}.jsonl", "has the width 'x5'")]
    public void Bad_templates_are_usage_errors(string template, string expected)
    {
        CliException error = Assert.Throws<CliException>(() => new ShardSpec(1, 4).FormatPath(template));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_shard_may_write_a_plain_path() =>
        Assert.Equal("facts.jsonl", new ShardSpec(0, 1).FormatPath("facts.jsonl"));
}

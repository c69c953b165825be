using System.Globalization;
using System.Text;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Shards;

/// <summary>
/// One shard of a bulk extraction: document number <c>k</c> of the input (0-based, in input order, blank lines not
/// counted) belongs to shard <c>k mod Count</c>. Round-robin needs no count of the input in advance, so each task reads
/// the input once, streaming, and the shards stay within one document of each other in size.
/// </summary>
internal readonly record struct ShardSpec
{
    /// <summary>The variables <c>--shard auto</c> reads.</summary>
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID";

    /// <summary>The number of tasks of a Slurm array.</summary>
    public const string SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>The first task id of a Slurm array.</summary>
    public const string SlurmTaskMin = "SLURM_ARRAY_TASK_MIN";

    /// <summary>The step between task ids of a Slurm array (<c>--array=0-15:4</c>).</summary>
    public const string SlurmTaskStep = "SLURM_ARRAY_TASK_STEP";

    /// <summary>The index a Kubernetes Indexed Job gives each pod.</summary>
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";

    /// <summary>The index AWS Batch gives each child of an array job.</summary>
    public const string AwsBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX";

    /// <summary>The largest shard count accepted.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>Initializes a new instance of the <see cref="ShardSpec"/> struct.</summary>
    /// <param name="index">The shard, from 0.</param>
    /// <param name="count">The number of shards.</param>
    public ShardSpec(int index, int count)
    {
        if (count < 1 || count > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The shard count must be 1 to {MaxCount}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>Gets the shard, from 0.</summary>
    public int Index { get; }

    /// <summary>Gets the number of shards.</summary>
    public int Count { get; }

    /// <summary>Gets where the shard came from, for messages (<c>--shard 3/8</c>, or the variables read).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Whether the document at a position belongs to this shard.</summary>
    /// <param name="position">The document's position in the input, from 0.</param>
    /// <returns>True for this shard's documents.</returns>
    public bool Owns(long position) => position % Count == Index;

    /// <summary>The shard that a document position belongs to.</summary>
    /// <param name="position">The document's position in the input, from 0.</param>
    /// <param name="count">The number of shards.</param>
    /// <returns>The shard index.</returns>
    public static int OwnerOf(long position, int count) => (int)(position % count);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>
    /// Parses <c>--shard</c>: <c>I/N</c> (shard I of N, from 0), or <c>auto</c>: the array task index of Slurm
    /// (<c>SLURM_ARRAY_TASK_ID</c> less <c>SLURM_ARRAY_TASK_MIN</c>, over <c>SLURM_ARRAY_TASK_STEP</c>, of
    /// <c>SLURM_ARRAY_TASK_COUNT</c>), of a Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c>) or of AWS Batch
    /// (<c>AWS_BATCH_JOB_ARRAY_INDEX</c>); the last two do not say how many tasks there are, so the count comes from
    /// <paramref name="countOption"/> (<c>--shard-count</c>).
    /// </summary>
    /// <param name="value">The option's value.</param>
    /// <param name="countOption">The value of <c>--shard-count</c>, if given.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The shard.</returns>
    /// <exception cref="CliException">The value or the variables are not a valid shard (exit code 2).</exception>
    public static ShardSpec Parse(string value, int? countOption, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(environment);
        if (value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return FromEnvironment(countOption, environment);
        }

        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseNumber(value[..slash], out int index) || !TryParseNumber(value[(slash + 1)..], out int count))
        {
            throw CliException.Usage($"--shard '{SafeText.Escape(value)}' is not I/N (shard I of N, counted from 0, e.g. 3/8) or auto.");
        }

        if (countOption is { } c && c != count)
        {
            throw CliException.Usage($"--shard {value} says {count} shards but --shard-count says {c}.");
        }

        return Checked(index, count, $"--shard {value}");
    }

    /// <summary>Formats an output path for this shard: <c>{shard}</c>, <c>{shard:05}</c> (zero-padded) and <c>{count}</c> are replaced.</summary>
    /// <param name="template">The path template, e.g. <c>out/facts-{shard:05}.jsonl</c>.</param>
    /// <returns>The shard's path.</returns>
    /// <exception cref="CliException">The template has an unknown placeholder, or none for the shard while there are several shards.</exception>
    public string FormatPath(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var result = new StringBuilder(template.Length + 8);
        bool sawShard = false;
        int i = 0;
        while (i < template.Length)
        {
            char ch = template[i];
            if (ch != '{')
            {
                result.Append(ch);
                i++;
                continue;
            }

            int close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                throw CliException.Usage($"--output '{SafeText.Escape(template)}': '{{' at character {i + 1} is not closed; placeholders are {{shard}}, {{shard:05}} and {{count}}.");
            }

            string placeholder = template[(i + 1)..close];
            int colon = placeholder.IndexOf(':', StringComparison.Ordinal);
            string name = colon < 0 ? placeholder : placeholder[..colon];
            string format = colon < 0 ? string.Empty : placeholder[(colon + 1)..];
            int number = name switch
            {
                "shard" => Index,
                "count" => Count,
                _ => throw CliException.Usage($"--output '{SafeText.Escape(template)}': unknown placeholder '{{{SafeText.Escape(placeholder)}}}'; placeholders are {{shard}}, {{shard:05}} and {{count}}."),
            };
            sawShard |= name == "shard";
            if (format.Length > 0 && (format.Length > 2 || !format.All(char.IsAsciiDigit)))
            {
                throw CliException.Usage($"--output '{SafeText.Escape(template)}': '{{{SafeText.Escape(placeholder)}}}' has the width '{SafeText.Escape(format)}'; give the digits to pad to, e.g. {{shard:05}}.");
            }

            int width = format.Length == 0 ? 0 : int.Parse(format, NumberStyles.None, CultureInfo.InvariantCulture);
            result.Append(number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
            i = close + 1;
        }

        if (!sawShard && Count > 1)
        {
            throw CliException.Usage($"--output '{SafeText.Escape(template)}' has no {{shard}} placeholder, so all {Count} shards would write the same file; use e.g. facts-{{shard:05}}.jsonl.");
        }

        return result.ToString();
    }

    private static ShardSpec FromEnvironment(int? countOption, Func<string, string?> environment)
    {
        if (environment(SlurmTaskId) is { } slurmId)
        {
            int id = Variable(SlurmTaskId, slurmId);
            int min = environment(SlurmTaskMin) is { } m ? Variable(SlurmTaskMin, m) : 0;
            int step = environment(SlurmTaskStep) is { } s ? Variable(SlurmTaskStep, s) : 1;
            string? countText = environment(SlurmTaskCount);
            int count = countText is null ? countOption ?? throw CliException.Usage($"--shard auto: {SlurmTaskId} is set but {SlurmTaskCount} is not; give --shard-count N or --shard I/N.") : Variable(SlurmTaskCount, countText);
            if (countOption is { } c && c != count)
            {
                throw CliException.Usage($"--shard auto: {SlurmTaskCount}={count} but --shard-count says {c}.");
            }

            if (step < 1 || id < min || (id - min) % step != 0)
            {
                throw CliException.Usage($"--shard auto: {SlurmTaskId}={id} is not {SlurmTaskMin}={min} plus a multiple of {SlurmTaskStep}={step}: the array's task ids are not a regular range; use --shard I/N.");
            }

            string source = string.Create(CultureInfo.InvariantCulture, $"{SlurmTaskId}={id}, {SlurmTaskMin}={min}, {SlurmTaskStep}={step}, {SlurmTaskCount}={count}");
            return Checked((id - min) / step, count, source);
        }

        foreach (string variable in (string[])[KubernetesIndex, AwsBatchIndex])
        {
            if (environment(variable) is { } text)
            {
                int index = Variable(variable, text);
                int count = countOption ?? throw CliException.Usage($"--shard auto: {variable}={index} gives the index but not the number of shards; give --shard-count N (the job's completions or array size).");
                return Checked(index, count, string.Create(CultureInfo.InvariantCulture, $"{variable}={index}, --shard-count {count}"));
            }
        }

        throw CliException.Usage($"--shard auto: none of {SlurmTaskId} (Slurm array), {KubernetesIndex} (Kubernetes Indexed Job) or {AwsBatchIndex} (AWS Batch) is set; use --shard I/N.");
    }

    private static ShardSpec Checked(int index, int count, string source)
    {
        if (count < 1 || count > MaxCount)
        {
            throw CliException.Usage($"{source}: the number of shards must be 1 to {Formats.Count(MaxCount)}, not {count}.");
        }

        if (index >= count)
        {
            throw CliException.Usage($"{source}: shard {index} does not exist; shards are counted from 0, so the last of {count} is {count - 1}.");
        }

        return new ShardSpec(index, count) { Source = source };
    }

    private static int Variable(string name, string text) =>
        TryParseNumber(text, out int value) ? value : throw CliException.Usage($"--shard auto: {name}='{SafeText.Escape(text)}' is not a whole number.");

    private static bool TryParseNumber(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

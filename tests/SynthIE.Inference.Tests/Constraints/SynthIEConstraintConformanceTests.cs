using SynthIE.Inference.Constraints;
using SynthIE.Inference.Tests.Infrastructure;
using Linearizations = SynthIE.Inference.Linearization;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>
/// Replays every decoder prefix of SynthIE's reference cases through the incremental state from the start and checks
/// that <see cref="SynthIEConstraint.Allowed"/> is exactly the reference set. Extra case files (same schema) named in
/// <c>SYNTHIE_PREFIX_CASES</c> (separated by the path separator) are checked the same way.
/// </summary>
public sealed class SynthIEConstraintConformanceTests
{
    public const string ExtraCasesVariable = "SYNTHIE_PREFIX_CASES";

    private static readonly Lazy<PrefixCaseFile> SharedCases =
        new(() => PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json")));

    [Theory]
    [InlineData("fully_expanded")]
    [InlineData("subject_collapsed")]
    public void Every_shared_case_matches_the_reference(string linearization)
    {
        PrefixCaseFile file = SharedCases.Value;
        int checkedCases = CheckSection(file, linearization);
        Assert.True(checkedCases > 10_000, $"only {checkedCases} cases for {linearization}");
    }

    [Fact]
    public void Every_case_in_the_extra_case_files_matches_the_reference()
    {
        string? paths = Environment.GetEnvironmentVariable(ExtraCasesVariable);
        if (string.IsNullOrWhiteSpace(paths))
        {
            return;
        }

        foreach (string path in paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.True(File.Exists(path), $"{ExtraCasesVariable} names {path}, which does not exist.");
            PrefixCaseFile file = PrefixCaseFile.Load(path);
            Assert.NotEmpty(file.Linearizations);
            foreach (string linearization in file.Linearizations.Keys)
            {
                CheckSection(file, linearization);
            }
        }
    }

    private static int CheckSection(PrefixCaseFile file, string linearizationId)
    {
        Linearizations linearization = Linearizations.FromIdentifier(linearizationId);
        using SynthIEConstraint constraint = SynthIEConstraintBuilder.Build(
            NameSource.FromNames(file.EntityNames),
            NameSource.FromNames(file.RelationNames),
            TestEncoders.T5,
            linearization,
            options: null,
            skipEmptyNames: false);

        var failures = new List<string>();
        int count = 0;
        foreach (PrefixCaseFile.Case @case in file.Linearizations[linearizationId].Cases)
        {
            Assert.Equal(0, @case.Prefix[0]);
            ConstraintState state = constraint.Initial;
            for (int i = 1; i < @case.Prefix.Length; i++)
            {
                state = constraint.Advance(state, @case.Prefix[i]);
            }

            int[] allowed = constraint.Allowed(state).ToArray();
            bool same = allowed.Length == allowed.Distinct().Count()
                && allowed.ToHashSet().SetEquals(@case.Allowed);
            if (!same && failures.Count < 10)
            {
                failures.Add($"prefix [{string.Join(", ", @case.Prefix)}] (state {state}): expected [{string.Join(", ", @case.Allowed.Order())}], got [{string.Join(", ", allowed.Order())}]");
            }

            count += same ? 1 : 0;
        }

        int total = file.Linearizations[linearizationId].Cases.Count;
        Assert.True(failures.Count == 0, $"{file.Path} {linearizationId}: {total - count} of {total} cases differ:\n{string.Join("\n", failures)}");
        return total;
    }
}

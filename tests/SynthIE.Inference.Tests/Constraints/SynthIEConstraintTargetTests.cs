using SynthIE.Inference.Constraints;
using SynthIE.Inference.Facts;
using SynthIE.Inference.Tests.Infrastructure;
using Linearizations = SynthIE.Inference.Linearization;

namespace SynthIE.Inference.Tests.Constraints;

public sealed class SynthIEConstraintTargetTests
{
    [Theory]
    [InlineData("fully_expanded")]
    [InlineData("subject_collapsed")]
    public void Every_training_target_is_accepted_token_by_token_and_then_finished(string identifier)
    {
        PrefixCaseFile file = PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json"));
        using SynthIEConstraint constraint = SynthIEConstraintBuilder.Build(
            NameSource.FromNames(file.EntityNames),
            NameSource.FromNames(file.RelationNames),
            TestEncoders.T5,
            Linearizations.FromIdentifier(identifier),
            options: null,
            skipEmptyNames: false);
        Assert.Equal([784, 7, 908], constraint.MarkerIds[0]);
        Assert.Equal([784, 15, 908], constraint.MarkerIds[3]);
        foreach (PrefixCaseFile.Target target in file.Linearizations[identifier].Targets)
        {
            ConstraintState state = constraint.Initial;
            foreach (int token in target.Ids)
            {
                Assert.True(constraint.Allowed(state).Contains(token), $"{target.DocumentId}: {token} not allowed in {state}");
                state = constraint.Advance(state, token);
            }

            Assert.True(SynthIEConstraint.IsFinished(state));
            Assert.True(constraint.Allowed(state).IsEmpty);
        }
    }

    [Fact]
    public void The_entity_type_variant_matches_the_literal_reference_along_its_targets()
    {
        PrefixCaseFile file = PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json"));
        ITokenSequenceEncoder encoder = TestEncoders.T5;
        int[][] entities = [.. file.EntityNames.Select(name => encoder.EncodeToArray(name))];
        int[][] relations = [.. file.RelationNames.Select(name => encoder.EncodeToArray(name))];
        int[][] Markers(Linearizations linearization) => [.. linearization.Markers.Select(marker => encoder.EncodeWithoutEnd(marker))];

        // The port itself reproduces the shared reference cases.
        var fullyExpanded = new ReferencePrefixAllowedTokens(entities, relations, Markers(Linearizations.FullyExpanded), collapsed: false, eos: 1);
        foreach (PrefixCaseFile.Case @case in file.Linearizations["fully_expanded"].Cases.Take(1500))
        {
            Assert.Equal(@case.Allowed.Order(), fullyExpanded.Allowed(@case.Prefix).Distinct().Order());
        }

        Linearizations entityTypes = Linearizations.FullyExpandedWithEntityTypes;
        Assert.Equal([784, 15, 17, 908], Markers(entityTypes)[3]);
        var reference = new ReferencePrefixAllowedTokens(entities, relations, Markers(entityTypes), collapsed: false, eos: 1);
        using SynthIEConstraint constraint = SynthIEConstraintBuilder.Build(
            NameSource.FromNames(file.EntityNames), NameSource.FromNames(file.RelationNames), encoder, entityTypes, options: null, skipEmptyNames: false);
        int checkedPrefixes = 0;
        foreach (PrefixCaseFile.Target target in file.Linearizations["fully_expanded"].Targets.Take(60))
        {
            int[] ids = LinearizationFormatter.FormatIds(entityTypes, target.Triplets, encoder);
            var prefix = new List<int> { 0 };
            ConstraintState state = constraint.Initial;
            foreach (int token in ids)
            {
                Assert.Equal(reference.Allowed(prefix).Distinct().Order(), constraint.Allowed(state).ToArray().Order());
                Assert.Contains(token, constraint.Allowed(state).ToArray());
                prefix.Add(token);
                state = constraint.Advance(state, token);
                checkedPrefixes++;
            }

            Assert.True(SynthIEConstraint.IsFinished(state));
            Assert.Empty(reference.Allowed(prefix));
        }

        Assert.True(checkedPrefixes > 1000, $"{checkedPrefixes} prefixes");
    }
}

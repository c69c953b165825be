using SynthIE.Inference.Constraints;
using SynthIE.Inference.Tests.Infrastructure;
using Linearizations = SynthIE.Inference.Linearization.Linearization;

namespace SynthIE.Inference.Tests.Constraints;

public sealed class SynthIEConstraintTargetTests
{
    [Theory]
    [InlineData("fully_expanded")]
    [InlineData("subject_collapsed")]
    public void Every_training_target_is_accepted_token_by_token_and_then_finished(string identifier)
    {
        PrefixCaseFile file = PrefixCaseFile.Load(SharedData.File("data/synthie/prefix-allowed-cases.json"));
        using SynthIEConstraint constraint = SynthIEConstraint.Create(
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
}

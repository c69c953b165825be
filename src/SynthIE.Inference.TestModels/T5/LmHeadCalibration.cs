namespace SynthIE.Inference.TestModels.T5;

/// <summary>What <see cref="T5WeightGenerator"/> measures before writing lm_head.</summary>
/// <param name="MeanDirection">Unit direction of the mean final decoder state (free coordinates only).</param>
/// <param name="OrthogonalRms">RMS per free coordinate of the final states' part orthogonal to it.</param>
/// <param name="EosConstantWeight">EOS column entry on the constant coordinate.</param>
/// <param name="EosCounterWeight">EOS column entry on the counter coordinate (negative: EOS rises as 1/(n+1) falls).</param>
internal sealed record LmHeadCalibration(float[] MeanDirection, float OrthogonalRms, float EosConstantWeight, float EosCounterWeight);

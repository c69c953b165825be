namespace SynthIE.Inference.Generation;

/// <summary>A copy of one physical row of a decoder's cache into another.</summary>
/// <param name="From">The row read.</param>
/// <param name="To">The row written.</param>
internal readonly record struct RowMove(int From, int To);

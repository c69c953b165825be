using System.Runtime.InteropServices;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// The constant-size state of one hypothesis under a token constraint. Beam search keeps one per row and
/// copies or reorders it with the beams; a constraint advances it one token at a time and never rescans the prefix.
/// The meaning of the fields belongs to the constraint that made the state.
/// </summary>
/// <param name="Phase">The constraint's automaton state (for SynthIE: which part of a triplet is being written).</param>
/// <param name="Node">A node of the constraint's token trie, or a constraint-defined sentinel.</param>
/// <param name="Offset">A position inside a multi-token marker, or another small constraint-defined counter.</param>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct ConstraintState(int Phase, int Node, int Offset);

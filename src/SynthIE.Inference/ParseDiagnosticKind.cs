namespace SynthIE.Inference;

/// <summary>What was wrong with a part of a model's output.</summary>
public enum ParseDiagnosticKind
{
    /// <summary>
    /// A marker where the linearization does not allow it (for example <c>[o]</c> right after <c>[s]</c>, or a missing
    /// end marker between facts). Facts are still read by position, as SynthIE does.
    /// </summary>
    UnexpectedMarker,

    /// <summary>Text outside any fact: before the first marker or right after an end marker. SynthIE reads it as a name (fully expanded) or a subject (subject collapsed).</summary>
    TextOutsideFact,

    /// <summary>A marker that must be followed by a name was followed by nothing (or only whitespace).</summary>
    EmptyPart,

    /// <summary>Names left over at the end of the output or of a subject group that do not make a whole fact; SynthIE drops them.</summary>
    IncompleteFact,

    /// <summary>A subject-collapsed group between end markers has no name at all; SynthIE skips it.</summary>
    EmptyGroup,

    /// <summary>The output does not finish with the end marker (for example it hit the length limit).</summary>
    MissingEndMarker,

    /// <summary>An entity name is not in the world given to the parser (the fact is kept, with no ids).</summary>
    UnknownEntity,

    /// <summary>A relation name is not in the world given to the parser (the fact is kept, with no ids).</summary>
    UnknownRelation,
}

namespace SynthIE.Inference;

/// <summary>A problem found while reading facts from a model's output.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Position">The character offset in the parsed text where the problem starts.</param>
/// <param name="Fragment">The text concerned (a name, a marker, or the leftover names joined by spaces).</param>
/// <param name="Message">A readable explanation.</param>
public sealed record ParseDiagnostic(ParseDiagnosticKind Kind, int Position, string Fragment, string Message)
{
    /// <summary>Returns the kind, position and message.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Kind} at {Position}: {Message}";
}

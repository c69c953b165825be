namespace SynthIE.Inference.Cli.Extract;

/// <summary>One text to extract from, with its id and where it came from.</summary>
/// <param name="Id">The id written to the output (the input's, or the 0-based line or argument number).</param>
/// <param name="Text">The text.</param>
/// <param name="Location">Where it came from, for messages: <c>file:line</c> or <c>argument N</c>.</param>
internal sealed record InputDocument(DocumentId Id, string Text, string Location);

namespace SynthIE.Inference.Cli.Extract;

/// <summary>How <c>--input</c> is read.</summary>
internal enum InputFormat
{
    /// <summary>One text per line; blank lines are skipped (and counted).</summary>
    Text,

    /// <summary>One JSON object per line with a <c>text</c> string and an optional <c>id</c> (or <c>docid</c>); blank lines are skipped.</summary>
    JsonLines,
}

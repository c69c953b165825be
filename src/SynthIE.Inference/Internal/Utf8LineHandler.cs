namespace SynthIE.Inference.Internal;

/// <summary>Receives one line of a UTF-8 file (without the line break) and its 1-based number.</summary>
internal delegate void Utf8LineHandler(ReadOnlySpan<byte> line, long lineNumber);

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// One token of an encoding with where it came from in the original text: characters [<paramref name="Start"/>,
/// <paramref name="End"/>). <paramref name="StartsCleanly"/> is false when the token begins inside the normalized
/// expansion of one character (e.g. the second piece of a ligature), so the text cannot be cut right before it.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Start">The first character of the token's span in the original text.</param>
/// <param name="End">The character after the token's span (equal to <paramref name="Start"/> for an empty span).</param>
/// <param name="StartsCleanly">Whether a cut right before this token falls between characters.</param>
internal readonly record struct TokenSpan(int Id, int Start, int End, bool StartsCleanly);

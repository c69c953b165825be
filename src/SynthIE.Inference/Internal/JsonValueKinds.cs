using System.Text.Json;

namespace SynthIE.Inference.Internal;

/// <summary>Names a JSON value's kind for messages (<c>an object</c>, <c>an array</c>, <c>a string</c> ...).</summary>
internal static class JsonValueKinds
{
    /// <summary>Describes what kind of value <paramref name="element"/> is, with its article.</summary>
    /// <param name="element">The value.</param>
    /// <returns>For example <c>an array</c> or <c>null</c>.</returns>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}

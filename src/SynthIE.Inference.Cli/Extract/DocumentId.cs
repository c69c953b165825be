using System.Text.Json;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// A document id as it appears in JSON: a string, or a number kept exactly as written. Ids are compared by their text
/// (so <c>3</c> and <c>"3"</c> are the same document, as in the evaluation).
/// </summary>
/// <param name="Value">The string's value, or the number's text.</param>
/// <param name="IsNumber">Whether the id is a JSON number.</param>
internal readonly record struct DocumentId(string Value, bool IsNumber)
{
    /// <summary>Makes a numeric id from a 0-based position.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The id.</returns>
    public static DocumentId FromIndex(long index) =>
        new(index.ToString(System.Globalization.CultureInfo.InvariantCulture), IsNumber: true);

    /// <summary>Makes the id of a gold document: a number when its text is an integer (as SynthIE's numeric ids), a string otherwise.</summary>
    /// <param name="id">The gold id's text.</param>
    /// <returns>The id.</returns>
    public static DocumentId FromGold(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ReadOnlySpan<char> digits = id.StartsWith('-') ? id.AsSpan(1) : id.AsSpan();
        bool integer = digits.Length is > 0 and < 19 && !digits.ContainsAnyExceptInRange('0', '9') && (digits.Length == 1 || digits[0] != '0');
        return new DocumentId(id, integer);
    }

    /// <summary>Reads an id from a JSON value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="id">The id.</param>
    /// <returns>Whether the value is a non-empty string or a number.</returns>
    public static bool TryRead(JsonElement value, out DocumentId id)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 } text:
                id = new DocumentId(text, IsNumber: false);
                return true;
            case JsonValueKind.Number:
                id = new DocumentId(value.GetRawText(), IsNumber: true);
                return true;
            default:
                id = default;
                return false;
        }
    }

    /// <summary>Writes the id as a property.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteTo(Utf8JsonWriter writer, string name)
    {
        if (IsNumber)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(Value);
        }
        else
        {
            writer.WriteString(name, Value);
        }
    }

    /// <summary>Returns whether two ids name the same document (same text).</summary>
    /// <param name="other">The other id.</param>
    /// <returns>Whether they match.</returns>
    public bool Matches(DocumentId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <summary>Returns the id as JSON shows it: <c>3</c> or <c>"a"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsNumber ? Value : JsonSerializer.Serialize(Value);
}

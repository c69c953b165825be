using System.Globalization;
using System.Text.Json;
using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Evaluation;

/// <summary>One line of a JSON Lines file, with helpers that read fields and fail naming the file, line and field.</summary>
/// <param name="FilePath">The file.</param>
/// <param name="LineNumber">The 1-based line.</param>
internal readonly record struct JsonLineLocation(string FilePath, int LineNumber)
{
    /// <summary>Returns <c>file:line</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FilePath}:{LineNumber}");

    /// <summary>Makes the exception for a problem on this line.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    /// <returns>The exception.</returns>
    public EvaluationDataException Error(string message, Exception? innerException = null) =>
        new(FilePath, LineNumber, message, innerException);

    /// <summary>Checks that an element is a JSON object.</summary>
    /// <param name="element">The element.</param>
    /// <param name="what">Its name in messages (e.g. <c>the line</c>, <c>"triplets"[2]</c>).</param>
    public void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"{what} must be a JSON object, not {JsonValueKinds.Describe(element)}.");
        }
    }

    /// <summary>Gets a property that must be present.</summary>
    /// <param name="owner">The object holding it.</param>
    /// <param name="name">The property name.</param>
    /// <param name="where">The owner's name in messages; empty for the line's top level.</param>
    /// <returns>The property value.</returns>
    public JsonElement Required(JsonElement owner, string name, string where)
    {
        if (!owner.TryGetProperty(name, out JsonElement value))
        {
            throw Error($"required field {Path(where, name)} is missing.");
        }

        return value;
    }

    /// <summary>Gets a property that must be a JSON array.</summary>
    /// <param name="owner">The object holding it.</param>
    /// <param name="name">The property name.</param>
    /// <param name="where">The owner's name in messages; empty for the line's top level.</param>
    /// <returns>The array.</returns>
    public JsonElement RequiredArray(JsonElement owner, string name, string where)
    {
        JsonElement value = Required(owner, name, where);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error($"field {Path(where, name)} must be a JSON array, not {JsonValueKinds.Describe(value)}.");
        }

        return value;
    }

    /// <summary>Gets a property that must be a JSON string.</summary>
    /// <param name="owner">The object holding it.</param>
    /// <param name="name">The property name.</param>
    /// <param name="where">The owner's name in messages; empty for the line's top level.</param>
    /// <returns>The string.</returns>
    public string RequiredString(JsonElement owner, string name, string where)
    {
        JsonElement value = Required(owner, name, where);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error($"field {Path(where, name)} must be a string, not {JsonValueKinds.Describe(value)}.");
        }

        return Text(value, Path(where, name));
    }

    /// <summary>Gets a document id: a JSON string (its value) or number (its text as written).</summary>
    /// <param name="owner">The object holding it.</param>
    /// <param name="name">The property name.</param>
    /// <returns>The id.</returns>
    public string RequiredId(JsonElement owner, string name)
    {
        JsonElement value = Required(owner, name, string.Empty);
        string id = value.ValueKind switch
        {
            JsonValueKind.String => Text(value, $"\"{name}\""),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw Error($"field \"{name}\" must be a string or a number, not {JsonValueKinds.Describe(value)}."),
        };
        if (id.Length == 0)
        {
            throw Error($"field \"{name}\" is empty.");
        }

        return id;
    }

    /// <summary>
    /// Reads a required array of triplet objects, each with three parts holding a non-empty name:
    /// <c>owner.field[i].subject|relation|object.nameField</c>.
    /// </summary>
    /// <param name="owner">The object holding the array.</param>
    /// <param name="field">The array's field (<c>facts</c>, <c>triples</c>, <c>triplets</c>).</param>
    /// <param name="relationPart">The relation part's name (<c>relation</c> or <c>predicate</c>).</param>
    /// <param name="nameField">The name field of each part (<c>label</c>, <c>surfaceform</c>).</param>
    /// <returns>The triplets, in order.</returns>
    public LabelTriplet[] RequiredTriplets(JsonElement owner, string field, string relationPart, string nameField)
    {
        JsonElement array = RequiredArray(owner, field, string.Empty);
        var triplets = new LabelTriplet[array.GetArrayLength()];
        int index = 0;
        foreach (JsonElement triplet in array.EnumerateArray())
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"\"{field}\"[{index}]");
            RequireObject(triplet, where);
            triplets[index++] = new LabelTriplet(
                TripletPartName(triplet, "subject", nameField, where),
                TripletPartName(triplet, relationPart, nameField, where),
                TripletPartName(triplet, "object", nameField, where));
        }

        return triplets;
    }

    /// <summary>Gets the name of one part of a triplet: <c>owner.part.field</c>, a non-empty string.</summary>
    /// <param name="triplet">The triplet object.</param>
    /// <param name="part">The part (<c>subject</c>, <c>predicate</c>, <c>relation</c>, <c>object</c>).</param>
    /// <param name="field">The name field (<c>surfaceform</c>, <c>label</c>).</param>
    /// <param name="where">The triplet's name in messages.</param>
    /// <returns>The name.</returns>
    public string TripletPartName(JsonElement triplet, string part, string field, string where)
    {
        JsonElement partElement = Required(triplet, part, where);
        string partPath = $"{where}.{part}";
        RequireObject(partElement, $"field {partPath}");
        string name = RequiredString(partElement, field, partPath);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Error($"field {partPath}.{field} is empty.");
        }

        return name;
    }

    /// <summary>Gets a JSON string's value, failing on one .NET cannot represent (an unpaired surrogate escape such as <c>\ud800</c>).</summary>
    /// <param name="value">A JSON string.</param>
    /// <param name="field">The field's name in messages, quoted (e.g. <c>"text"</c>).</param>
    /// <returns>The string.</returns>
    public string Text(JsonElement value, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException error)
        {
            throw Error($"field {field} is not valid Unicode text (it has an unpaired surrogate escape such as \\ud800).", error);
        }
    }

    private static string Path(string where, string name) => where.Length == 0 ? $"\"{name}\"" : $"{where}.{name}";
}

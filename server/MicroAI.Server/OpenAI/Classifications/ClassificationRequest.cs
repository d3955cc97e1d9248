using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Classifications;

/// <summary>POST /v1/classifications body (MicroAI's own endpoint; no OpenAI equivalent).</summary>
public sealed class ClassificationRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>
    /// A string, an object <c>{"image": "data:image/png;base64,..."}</c>, <c>{"bytes": "&lt;base64&gt;"}</c>,
    /// <c>{"features": [12.5, 3, …]}</c> or <c>{"values": {"amount": 12.5, …}}</c> (tabular models), or an
    /// array of those; a bare array of numbers is one feature row.
    /// </summary>
    [JsonPropertyName("input")] public ClassificationInputList? Input { get; set; }
    /// <summary>Labels per input, highest score first (default 5; 0 = all).</summary>
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

/// <summary>
/// One classification input as sent: text, an image (base64 or data URL), content bytes (base64), or a
/// feature row — positional (<see cref="Features"/>) or named (<see cref="Values"/>).
/// </summary>
public sealed record ClassificationInputItem(string? Text, string? Image, string? Bytes)
{
    public IReadOnlyList<FeatureInput>? Features { get; init; }

    public IReadOnlyList<KeyValuePair<string, FeatureInput>>? Values { get; init; }
}

/// <summary>One feature value as sent: a number (true/false as 1/0), a string, or null (both null: a missing value).</summary>
public readonly record struct FeatureInput(double? Number, string? Text)
{
    public bool IsNull => Number is null && Text is null;
}

[JsonConverter(typeof(ClassificationInputListConverter))]
public sealed class ClassificationInputList(List<ClassificationInputItem> items)
{
    public List<ClassificationInputItem> Items { get; } = items;
}

internal sealed class ClassificationInputListConverter : JsonConverter<ClassificationInputList>
{
    private const string Shape = "'input' must be a string, an object {\"image\": \"data:image/png;base64,...\"}, {\"bytes\": \"<base64>\"}, " +
        "{\"features\": [numbers]} or {\"values\": {\"name\": number}}, or an array of those.";

    public override ClassificationInputList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType != JsonTokenType.StartArray)
            return new ClassificationInputList([ReadItem(ref reader)]);
        var items = new List<ClassificationInputItem>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // [12.5, 3, …]: the array is itself one feature row, not a list of inputs.
            if (items.Count == 0 && reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False)
                return new ClassificationInputList([new ClassificationInputItem(null, null, null) { Features = ReadRowAfterFirst(ref reader) }]);
            items.Add(ReadItem(ref reader));
        }
        return new ClassificationInputList(items);
    }

    private static ClassificationInputItem ReadItem(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new ClassificationInputItem(reader.GetString(), null, null);
        if (reader.TokenType == JsonTokenType.StartArray)
            return new ClassificationInputItem(null, null, null) { Features = ReadRow(ref reader) };
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException(Shape);
        string? image = null, bytes = null, text = null;
        List<FeatureInput>? features = null;
        List<KeyValuePair<string, FeatureInput>>? values = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "image" or "image_url" when reader.TokenType == JsonTokenType.String:
                    image = reader.GetString();
                    break;
                case "image_url" when reader.TokenType == JsonTokenType.StartObject:
                    // {"image_url": {"url": "data:..."}} as in chat messages.
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var inner = reader.GetString();
                        reader.Read();
                        if (inner == "url" && reader.TokenType == JsonTokenType.String)
                            image = reader.GetString();
                        else
                            reader.Skip();
                    }
                    break;
                case "bytes" when reader.TokenType == JsonTokenType.String:
                    bytes = reader.GetString();
                    break;
                case "text" when reader.TokenType == JsonTokenType.String:
                    text = reader.GetString();
                    break;
                case "features" when reader.TokenType == JsonTokenType.StartArray:
                    features = ReadRow(ref reader);
                    break;
                case "values" when reader.TokenType == JsonTokenType.StartObject:
                    values = [];
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        if (!seen.Add(key))
                            throw new JsonException($"'values' names '{key}' twice.");
                        values.Add(new(key, ReadValue(ref reader)));
                    }
                    break;
                case "type":
                    reader.Skip();
                    break;
                default:
                    throw new JsonException(Shape);
            }
        }
        if ((image is null ? 0 : 1) + (bytes is null ? 0 : 1) + (text is null ? 0 : 1) + (features is null ? 0 : 1) + (values is null ? 0 : 1) != 1)
            throw new JsonException(Shape);
        return new ClassificationInputItem(text, image, bytes) { Features = features, Values = values };
    }

    /// <summary>A feature row: the reader is on its '['.</summary>
    private static List<FeatureInput> ReadRow(ref Utf8JsonReader reader)
    {
        var row = new List<FeatureInput>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            row.Add(ReadValue(ref reader));
        return row;
    }

    /// <summary>A feature row whose first value the reader is on (the row is the whole 'input' array).</summary>
    private static List<FeatureInput> ReadRowAfterFirst(ref Utf8JsonReader reader)
    {
        var row = new List<FeatureInput> { ReadValue(ref reader) };
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            row.Add(ReadValue(ref reader));
        return row;
    }

    private static FeatureInput ReadValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out var d) && double.IsFinite(d) => new FeatureInput(d, null),
        JsonTokenType.True => new FeatureInput(1, null),
        JsonTokenType.False => new FeatureInput(0, null),
        JsonTokenType.String => new FeatureInput(null, reader.GetString()),
        JsonTokenType.Null => default,
        _ => throw new JsonException("A feature value must be a number, a string, true/false or null."),
    };

    public override void Write(Utf8JsonWriter writer, ClassificationInputList value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value.Items)
        {
            if (item.Text is not null)
            {
                writer.WriteStringValue(item.Text);
                continue;
            }
            writer.WriteStartObject();
            if (item.Image is not null)
            {
                writer.WriteString("image", item.Image);
            }
            else if (item.Bytes is not null)
            {
                writer.WriteString("bytes", item.Bytes);
            }
            else if (item.Features is not null)
            {
                writer.WriteStartArray("features");
                foreach (var feature in item.Features)
                    WriteValue(writer, feature);
                writer.WriteEndArray();
            }
            else if (item.Values is not null)
            {
                writer.WriteStartObject("values");
                foreach (var (name, feature) in item.Values)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, feature);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, FeatureInput value)
    {
        if (value.Number is { } n)
            writer.WriteNumberValue(n);
        else if (value.Text is { } t)
            writer.WriteStringValue(t);
        else
            writer.WriteNullValue();
    }
}

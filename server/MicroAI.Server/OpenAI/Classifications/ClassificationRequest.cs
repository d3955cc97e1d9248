using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Classifications;

/// <summary>POST /v1/classifications body (MicroAI's own endpoint; no OpenAI equivalent).</summary>
public sealed class ClassificationRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>
    /// A string, an object <c>{"image": "data:image/png;base64,..."}</c> or <c>{"bytes": "&lt;base64&gt;"}</c>,
    /// or an array of those.
    /// </summary>
    [JsonPropertyName("input")] public ClassificationInputList? Input { get; set; }
    /// <summary>Labels per input, highest score first (default 5; 0 = all).</summary>
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

/// <summary>One classification input as sent: text, an image (base64 or data URL) or content bytes (base64).</summary>
public sealed record ClassificationInputItem(string? Text, string? Image, string? Bytes);

[JsonConverter(typeof(ClassificationInputListConverter))]
public sealed class ClassificationInputList(List<ClassificationInputItem> items)
{
    public List<ClassificationInputItem> Items { get; } = items;
}

internal sealed class ClassificationInputListConverter : JsonConverter<ClassificationInputList>
{
    private const string Shape = "'input' must be a string, an object {\"image\": \"data:image/png;base64,...\"} or {\"bytes\": \"<base64>\"}, or an array of those.";

    public override ClassificationInputList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType != JsonTokenType.StartArray)
            return new ClassificationInputList([ReadItem(ref reader)]);
        var items = new List<ClassificationInputItem>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            items.Add(ReadItem(ref reader));
        return new ClassificationInputList(items);
    }

    private static ClassificationInputItem ReadItem(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new ClassificationInputItem(reader.GetString(), null, null);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException(Shape);
        string? image = null, bytes = null, text = null;
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
                case "type":
                    reader.Skip();
                    break;
                default:
                    throw new JsonException(Shape);
            }
        }
        if ((image is null ? 0 : 1) + (bytes is null ? 0 : 1) + (text is null ? 0 : 1) != 1)
            throw new JsonException(Shape);
        return new ClassificationInputItem(text, image, bytes);
    }

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
                writer.WriteString("image", item.Image);
            else
                writer.WriteString("bytes", item.Bytes);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}

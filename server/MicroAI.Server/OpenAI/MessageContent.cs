using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI;

/// <summary>A message's "content": a string, or an array of content parts ({"type":"text","text":...}, ...).</summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed class MessageContent
{
    public string? Text { get; init; }
    public List<ContentPart>? Parts { get; init; }
}

public sealed record ContentPart(string Type, string? Text);

internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new MessageContent { Text = reader.GetString() };
            case JsonTokenType.StartArray:
                var parts = new List<ContentPart>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new JsonException("Each content part must be an object with a 'type'.");
                    using var part = JsonDocument.ParseValue(ref reader);
                    var root = part.RootElement;
                    var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                    string? text = null;
                    if (root.TryGetProperty("text", out var tx))
                    {
                        if (tx.ValueKind != JsonValueKind.String)
                            throw new JsonException("A text content part's 'text' must be a string.");
                        text = tx.GetString();
                    }
                    parts.Add(new ContentPart(type, text));
                }
                return new MessageContent { Parts = parts };
            default:
                throw new JsonException("'content' must be a string or an array of content parts.");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Parts is null)
        {
            writer.WriteStringValue(value.Text);
            return;
        }
        writer.WriteStartArray();
        foreach (var p in value.Parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type", p.Type);
            if (p.Text is not null)
                writer.WriteString("text", p.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Moderations;

/// <summary>POST /v1/moderations body: <c>input</c> is a string, an array of strings, or an array of <c>{"type":"text","text":…}</c> parts.</summary>
public sealed class ModerationRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("input")] public ModerationInput? Input { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

[JsonConverter(typeof(ModerationInputConverter))]
public sealed class ModerationInput(List<string> texts)
{
    public List<string> Texts { get; } = texts;
}

internal sealed class ModerationInputConverter : JsonConverter<ModerationInput>
{
    private const string Shape = "'input' must be a string, an array of strings, or an array of {\"type\": \"text\", \"text\": ...} objects.";

    public override ModerationInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType == JsonTokenType.String)
            return new ModerationInput([reader.GetString()!]);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(Shape);
        var texts = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                texts.Add(reader.GetString()!);
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException(Shape);
            string? type = null, text = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "type" && reader.TokenType == JsonTokenType.String)
                    type = reader.GetString();
                else if (name == "text" && reader.TokenType == JsonTokenType.String)
                    text = reader.GetString();
                else
                    reader.Skip();
            }
            if (type == "image_url")
                throw new JsonException("Image inputs to moderations are not supported: the moderation models here classify text.");
            if (type is not (null or "text") || text is null)
                throw new JsonException(Shape);
            texts.Add(text);
        }
        return new ModerationInput(texts);
    }

    public override void Write(Utf8JsonWriter writer, ModerationInput value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var t in value.Texts)
            writer.WriteStringValue(t);
        writer.WriteEndArray();
    }
}

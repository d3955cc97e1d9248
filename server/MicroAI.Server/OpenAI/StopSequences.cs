using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI;

/// <summary>"stop": a string or an array of strings.</summary>
[JsonConverter(typeof(StopSequencesConverter))]
public sealed class StopSequences(List<string> values)
{
    public List<string> Values { get; } = values;
}

internal sealed class StopSequencesConverter : JsonConverter<StopSequences>
{
    public override StopSequences? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new StopSequences([reader.GetString()!]);
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                        throw new JsonException("'stop' must be a string or an array of strings.");
                    list.Add(reader.GetString()!);
                }
                return new StopSequences(list);
            default:
                throw new JsonException("'stop' must be a string or an array of strings.");
        }
    }

    public override void Write(Utf8JsonWriter writer, StopSequences value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value.Values)
            writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}

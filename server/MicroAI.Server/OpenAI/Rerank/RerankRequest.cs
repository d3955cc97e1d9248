using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Rerank;

/// <summary>POST /v1/rerank body, in the Jina/Cohere shape llama-server, vLLM and LocalAI accept.</summary>
public sealed class RerankRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("query")] public string? Query { get; set; }
    /// <summary>Strings, or objects with a "text" field.</summary>
    [JsonPropertyName("documents")] public RerankDocuments? Documents { get; set; }
    [JsonPropertyName("top_n")] public int? TopN { get; set; }
    [JsonPropertyName("return_documents")] public bool? ReturnDocuments { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
}

[JsonConverter(typeof(RerankDocumentsConverter))]
public sealed class RerankDocuments(List<string> texts)
{
    public List<string> Texts { get; } = texts;
}

internal sealed class RerankDocumentsConverter : JsonConverter<RerankDocuments>
{
    private const string Shape = "'documents' must be an array of strings or of objects with a \"text\" string.";

    public override RerankDocuments? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
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
            string? text = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "text" && reader.TokenType == JsonTokenType.String)
                    text = reader.GetString();
                else
                    reader.Skip();
            }
            texts.Add(text ?? throw new JsonException(Shape));
        }
        return new RerankDocuments(texts);
    }

    public override void Write(Utf8JsonWriter writer, RerankDocuments value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var t in value.Texts)
            writer.WriteStringValue(t);
        writer.WriteEndArray();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>POST /v1/responses body (OpenAI's Responses API), the text-generation subset.</summary>
public sealed class ResponsesRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>A string (one user message) or an array of message items.</summary>
    [JsonPropertyName("input")] public ResponsesInput? Input { get; set; }
    [JsonPropertyName("instructions")] public string? Instructions { get; set; }
    [JsonPropertyName("max_output_tokens")] public int? MaxOutputTokens { get; set; }
    [JsonPropertyName("temperature")] public float? Temperature { get; set; }
    [JsonPropertyName("top_p")] public float? TopP { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("store")] public bool? Store { get; set; }
    [JsonPropertyName("previous_response_id")] public string? PreviousResponseId { get; set; }
    /// <summary>Function tools in the Responses shape: {"type": "function", "name", "description", "parameters", "strict"}.</summary>
    [JsonPropertyName("tools")] public List<JsonElement>? Tools { get; set; }
    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; set; }
    [JsonPropertyName("parallel_tool_calls")] public bool? ParallelToolCalls { get; set; }
    [JsonPropertyName("text")] public JsonElement? Text { get; set; }
    [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    [JsonPropertyName("keep_alive")] public JsonElement? KeepAlive { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
}

/// <summary>One input item: a message (role and its text parts joined), a function call the model made, or its output.</summary>
public sealed record ResponsesInputMessage(string Role, string Text)
{
    /// <summary>A function_call item: the call (role "assistant").</summary>
    public (string CallId, string Name, string Arguments)? FunctionCall { get; init; }
    /// <summary>A function_call_output item: the call it answers (role "tool").</summary>
    public string? CallId { get; init; }
}

[JsonConverter(typeof(ResponsesInputConverter))]
public sealed class ResponsesInput(List<ResponsesInputMessage> messages)
{
    public List<ResponsesInputMessage> Messages { get; } = messages;
}

internal sealed class ResponsesInputConverter : JsonConverter<ResponsesInput>
{
    private const string Shape = "'input' must be a string or an array of messages ({\"role\": ..., \"content\": string or [{\"type\": \"input_text\", \"text\": ...}]}).";

    public override ResponsesInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType == JsonTokenType.String)
            return new ResponsesInput([new ResponsesInputMessage("user", reader.GetString()!)]);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(Shape);
        var messages = new List<ResponsesInputMessage>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException(Shape);
            string? role = null, type = null, callId = null, functionName = null, arguments = null, output = null;
            var text = new System.Text.StringBuilder();
            var hasContent = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "role" when reader.TokenType == JsonTokenType.String:
                        role = reader.GetString();
                        break;
                    case "type" when reader.TokenType == JsonTokenType.String:
                        type = reader.GetString();
                        break;
                    case "content" when reader.TokenType == JsonTokenType.String:
                        text.Append(reader.GetString());
                        hasContent = true;
                        break;
                    case "content" when reader.TokenType == JsonTokenType.StartArray:
                        hasContent = true;
                        ReadParts(ref reader, text);
                        break;
                    case "call_id" when reader.TokenType == JsonTokenType.String:
                        callId = reader.GetString();
                        break;
                    case "name" when reader.TokenType == JsonTokenType.String:
                        functionName = reader.GetString();
                        break;
                    case "arguments" when reader.TokenType == JsonTokenType.String:
                        arguments = reader.GetString();
                        break;
                    case "output" when reader.TokenType == JsonTokenType.String:
                        output = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (type == "function_call")
            {
                if (callId is null || functionName is null)
                    throw new JsonException("A function_call input item needs 'call_id' and 'name'.");
                messages.Add(new ResponsesInputMessage("assistant", string.Empty) { FunctionCall = (callId, functionName, arguments ?? "{}") });
                continue;
            }
            if (type == "function_call_output")
            {
                if (callId is null)
                    throw new JsonException("A function_call_output input item needs 'call_id'.");
                messages.Add(new ResponsesInputMessage("tool", output ?? string.Empty) { CallId = callId });
                continue;
            }
            if (type is not (null or "message"))
                throw new JsonException($"Input items of type '{type}' are not supported; send messages, function_call or function_call_output items.");
            if (role is null || !hasContent)
                throw new JsonException(Shape);
            messages.Add(new ResponsesInputMessage(role, text.ToString()));
        }
        return new ResponsesInput(messages);
    }

    private static void ReadParts(ref Utf8JsonReader reader, System.Text.StringBuilder text)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException(Shape);
            string? type = null, partText = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "type" && reader.TokenType == JsonTokenType.String)
                    type = reader.GetString();
                else if (name == "text" && reader.TokenType == JsonTokenType.String)
                    partText = reader.GetString();
                else
                    reader.Skip();
            }
            if (type is "input_image" or "input_file" or "input_audio")
                throw new JsonException($"Content parts of type '{type}' are not supported: the models here read text.");
            if (type is not ("input_text" or "output_text" or "text") || partText is null)
                throw new JsonException(Shape);
            text.Append(partText);
        }
    }

    public override void Write(Utf8JsonWriter writer, ResponsesInput value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var m in value.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", m.Role);
            writer.WriteString("content", m.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.OpenAI;

/// <summary>
/// The completions "prompt": a string, an array of strings, an array of token ids, or an array of
/// token-id arrays. Each item is one prompt (text or tokens).
/// </summary>
[JsonConverter(typeof(PromptListConverter))]
public sealed class PromptList(List<PromptItem> items)
{
    public List<PromptItem> Items { get; } = items;
}

public sealed record PromptItem(string? Text, int[]? Tokens);

internal sealed class PromptListConverter : JsonConverter<PromptList>
{
    private const string Shape = "'prompt' must be a string, an array of strings, an array of token ids, or an array of token-id arrays.";

    public override PromptList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType == JsonTokenType.String)
            return new PromptList([new PromptItem(reader.GetString(), null)]);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(Shape);

        var items = new List<PromptItem>();
        List<int>? flatTokens = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String when flatTokens is null:
                    items.Add(new PromptItem(reader.GetString(), null));
                    break;
                case JsonTokenType.Number when items.Count == 0:
                    (flatTokens ??= []).Add(ReadToken(ref reader));
                    break;
                case JsonTokenType.StartArray when flatTokens is null:
                    var tokens = new List<int>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.Number)
                            throw new JsonException(Shape);
                        tokens.Add(ReadToken(ref reader));
                    }
                    items.Add(new PromptItem(null, tokens.ToArray()));
                    break;
                default:
                    throw new JsonException(Shape);
            }
        }
        if (flatTokens is not null)
            items.Add(new PromptItem(null, flatTokens.ToArray()));
        return new PromptList(items);
    }

    private static int ReadToken(ref Utf8JsonReader reader) =>
        reader.TryGetInt32(out var v) ? v : throw new JsonException("Token ids must be integers.");

    public override void Write(Utf8JsonWriter writer, PromptList value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value.Items)
        {
            if (item.Text is not null)
            {
                writer.WriteStringValue(item.Text);
                continue;
            }
            writer.WriteStartArray();
            foreach (var t in item.Tokens!)
                writer.WriteNumberValue(t);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}

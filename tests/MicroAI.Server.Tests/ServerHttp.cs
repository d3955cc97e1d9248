using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>Raw HTTP helpers: JSON bodies in, status plus parsed JSON or SSE events out.</summary>
internal static class ServerHttp
{
    public static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent JsonContent(JsonNode body) => JsonContent(body.ToJsonString());

    public static async Task<(HttpResponseMessage Response, JsonNode? Body, string Text)> PostJsonAsync(this HttpClient http, string path, string json)
    {
        var response = await http.PostAsync(path, JsonContent(json));
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
            body = JsonNode.Parse(text);
        return (response, body, text);
    }

    public static Task<(HttpResponseMessage Response, JsonNode? Body, string Text)> PostJsonAsync(this HttpClient http, string path, JsonNode body) =>
        http.PostJsonAsync(path, body.ToJsonString());

    /// <summary>Posts a streaming request and reads the whole event stream.</summary>
    public static async Task<SseResponse> PostStreamAsync(this HttpClient http, string path, JsonNode body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // Strict UTF-8: a stream that is not valid UTF-8 throws here.
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        return new SseResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, SseEvents.Parse(text))
        {
            CacheControl = response.Headers.CacheControl?.ToString(),
        };
    }
}

internal sealed record SseResponse(int Status, string? MediaType, string Raw, IReadOnlyList<string> Events)
{
    public string? CacheControl { get; init; }

    /// <summary>The JSON events (everything but the final [DONE]).</summary>
    public IReadOnlyList<JsonObject> Chunks =>
        Events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!.AsObject()).ToList();

    /// <summary>Text of the choice chunks, joined: chat delta.content or completion text.</summary>
    public string JoinedText(int index = 0)
    {
        var sb = new StringBuilder();
        foreach (var chunk in Chunks)
        {
            foreach (var choice in chunk["choices"]!.AsArray())
            {
                if ((int)choice!["index"]! != index)
                    continue;
                var text = choice["delta"] is { } delta ? (string?)delta["content"] : (string?)choice["text"];
                sb.Append(text);
            }
        }
        return sb.ToString();
    }
}

internal static class SseEvents
{
    /// <summary>
    /// Splits an SSE body that must consist only of <c>data: payload\n\n</c> events (OpenAI's framing);
    /// throws on anything else: a missing "data: ", a payload spanning lines, or trailing bytes.
    /// </summary>
    public static IReadOnlyList<string> Parse(string body)
    {
        var events = new List<string>();
        var at = 0;
        while (at < body.Length)
        {
            if (string.CompareOrdinal(body, at, "data: ", 0, 6) != 0)
                throw new FormatException($"Expected 'data: ' at offset {at}: {Excerpt(body, at)}");
            var end = body.IndexOf("\n\n", at, StringComparison.Ordinal);
            if (end < 0)
                throw new FormatException($"Event at offset {at} is not terminated by a blank line: {Excerpt(body, at)}");
            var payload = body[(at + 6)..end];
            if (payload.Contains('\n') || payload.Contains('\r'))
                throw new FormatException($"Event at offset {at} spans more than one line: {Excerpt(body, at)}");
            events.Add(payload);
            at = end + 2;
        }
        return events;
    }

    private static string Excerpt(string s, int at) => JsonSerializer.Serialize(s.Substring(at, Math.Min(80, s.Length - at)));
}

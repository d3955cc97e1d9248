using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>The chat routes of the three protocol families an edge forwards.</summary>
public enum ChatRoute
{
    OpenAI,
    Ollama,
    Anthropic,
}

/// <summary>
/// A streamed chat answer read line by line as it arrives, in whichever framing the route uses
/// (OpenAI's <c>data:</c> events, Ollama's NDJSON lines, Anthropic's named events), with when the
/// first piece of text arrived, the error event if the stream carried one, and the final object.
/// </summary>
internal sealed record StreamedAnswer(int Status, string? ServedBy, string Text, int Pieces, long FirstPieceAt, JsonNode? Error, JsonObject? Final, string Raw)
{
    /// <summary>The stream ended the way its protocol says a whole answer ends ([DONE], done:true, message_stop).</summary>
    public bool Completed { get; init; }

    /// <summary>The message of <see cref="Error"/> in any of the three shapes.</summary>
    public string? ErrorMessage => Error switch
    {
        null => null,
        JsonValue v => (string?)v, // Ollama: {"error":"..."}
        JsonObject o => (string?)o["message"], // OpenAI and Anthropic: {"error":{"message":...}}
        _ => Error.ToJsonString(),
    };

    public static JsonObject Body(ChatRoute route, string model, string prompt, int maxTokens, bool stream = true) => route switch
    {
        ChatRoute.OpenAI => new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["temperature"] = 0,
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
            ["stream_options"] = stream ? new JsonObject { ["include_usage"] = true } : null,
        },
        ChatRoute.Ollama => new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["options"] = new JsonObject { ["temperature"] = 0, ["num_predict"] = maxTokens },
            ["stream"] = stream,
        },
        _ => new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["temperature"] = 0,
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
        },
    };

    public static string Path(ChatRoute route) => route switch
    {
        ChatRoute.OpenAI => "v1/chat/completions",
        ChatRoute.Ollama => "api/chat",
        _ => "v1/messages",
    };

    /// <summary>
    /// Posts a chat (streamed unless <paramref name="body"/> says otherwise) and reads it as it comes. With <paramref name="leaveAfterFirstPiece"/> the
    /// client walks away (disposes the response) as soon as the first piece of text has arrived.
    /// </summary>
    public static async Task<StreamedAnswer> ReadAsync(HttpClient http, ChatRoute route, JsonObject body, bool leaveAfterFirstPiece = false, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(route)) { Content = ServerHttp.JsonContent(body) };
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (route == ChatRoute.Anthropic)
            request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(route == ChatRoute.Ollama ? "application/x-ndjson" : "text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var servedBy = response.Headers.TryGetValues("X-MicroAI-Served-By", out var values) ? string.Join(",", values) : null;
        if (!response.IsSuccessStatusCode)
        {
            var errorText = await response.Content.ReadAsStringAsync();
            return new StreamedAnswer((int)response.StatusCode, servedBy, "", 0, 0, JsonNode.Parse(errorText)?["error"], null, errorText);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), new UTF8Encoding(false, throwOnInvalidBytes: true));
        var raw = new StringBuilder();
        var text = new StringBuilder();
        var pieces = 0;
        long firstPieceAt = 0;
        JsonNode? error = null;
        JsonObject? final = null;
        var completed = false;
        string? eventName = null;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                raw.Append(line).Append('\n');
                string? payload = route switch
                {
                    ChatRoute.Ollama => line.Length > 0 ? line : null,
                    _ when line.StartsWith("event: ", StringComparison.Ordinal) => SetEvent(line[7..]),
                    _ when line.StartsWith("data: ", StringComparison.Ordinal) => line[6..],
                    _ => null,
                };
                if (payload is null)
                    continue;
                if (payload == "[DONE]")
                {
                    completed = true;
                    continue;
                }
                var json = JsonNode.Parse(payload)!.AsObject();
                if (json["error"] is not null && (route != ChatRoute.Anthropic || eventName == "error"))
                {
                    error = json["error"];
                    continue;
                }
                var piece = route switch
                {
                    ChatRoute.OpenAI => (string?)json["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"],
                    ChatRoute.Ollama => (string?)json["message"]?["content"],
                    _ => eventName == "content_block_delta" ? (string?)json["delta"]?["text"] : null,
                };
                if (!string.IsNullOrEmpty(piece))
                {
                    if (pieces++ == 0)
                        firstPieceAt = Stopwatch.GetTimestamp();
                    text.Append(piece);
                    if (leaveAfterFirstPiece)
                        break;
                }
                if (route == ChatRoute.OpenAI && json["usage"] is JsonObject)
                    final = json;
                if (route == ChatRoute.Ollama && (bool?)json["done"] == true)
                {
                    final = json;
                    completed = true;
                }
                if (route == ChatRoute.Anthropic && eventName == "message_delta")
                    final = json;
                if (route == ChatRoute.Anthropic && eventName == "message_stop")
                    completed = true;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The connection ended without a whole answer: Completed stays false.
            raw.Append("<<").Append(e.Message).Append(">>");
        }
        return new StreamedAnswer((int)response.StatusCode, servedBy, text.ToString(), pieces, firstPieceAt, error, final, raw.ToString()) { Completed = completed };

        string? SetEvent(string name)
        {
            eventName = name;
            return null;
        }
    }

    public override string ToString() => $"{Status} served by {ServedBy ?? "-"}: {(Raw.Length > 1500 ? Raw[..1500] + "…" : Raw)}";
}

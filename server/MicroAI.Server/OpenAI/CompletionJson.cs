using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.OpenAI;

/// <summary>Identity shared by every chunk of one response (same id and created on each).</summary>
public readonly record struct ResponseHeader(string Id, long Created, string Model, bool Chat)
{
    public string Object => Chat ? "chat.completion" : "text_completion";
    public string ChunkObject => Chat ? "chat.completion.chunk" : "text_completion";
}

/// <param name="ServedBy">"local" or "upstream/{name}": which side answered (MicroAI's field beside OpenAI's).</param>
public readonly record struct UsageFigures(int PromptTokens, int CompletionTokens, int CachedTokens, string? ServedBy = null);

public readonly record struct ChoiceResult(int Index, string Text, string FinishReason, IReadOnlyList<TokenLogprob>? Logprobs = null, int TextOffset = 0, IReadOnlyList<ToolCall>? ToolCalls = null);

/// <summary>
/// Writes chat.completion / text_completion bodies and their streaming chunks, field for field as
/// OpenAI's API reference gives them. Knows nothing about engines: it takes strings and numbers.
/// </summary>
public static class CompletionJson
{
    public static string FinishReasonText(FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";

    public static void WriteChunk(Utf8JsonWriter w, in ResponseHeader h, int index, string? role, string? content, string? finishReason, bool usageNull,
        IReadOnlyList<TokenLogprob>? logprobs = null, int textOffset = 0, IReadOnlyList<ToolCall>? toolCalls = null)
    {
        w.WriteStartObject();
        WriteHeader(w, h, h.ChunkObject);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (h.Chat)
        {
            w.WriteStartObject("delta");
            if (role is not null)
                w.WriteString("role", role);
            if (content is not null)
                w.WriteString("content", content);
            if (toolCalls is { Count: > 0 })
                WriteToolCalls(w, toolCalls, withIndex: true);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", content ?? string.Empty);
        }
        WriteLogprobs(w, h.Chat, logprobs, textOffset);
        if (finishReason is null) w.WriteNull("finish_reason"); else w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        if (usageNull)
            w.WriteNull("usage");
        w.WriteEndObject();
    }

    /// <summary>A run's token counts as both completion routes report them.</summary>
    internal static UsageFigures Usage(Generation.GenerationRun run) => new(run.Usage.PromptTokens, run.Usage.CompletionTokens, run.Usage.CachedTokens, run.Usage.ServedBy);

    /// <summary>How both completion routes end a stream: the usage chunk when asked for (stream_options.include_usage), then [DONE].</summary>
    internal static async Task EndStreamAsync(SseWriter sse, ResponseHeader header, Generation.GenerationRun run, bool includeUsage, CancellationToken ct)
    {
        if (includeUsage)
        {
            WriteUsageChunk(sse.BeginData(), header, Usage(run));
            await sse.EndDataAsync(ct);
        }
        await sse.WriteDoneAsync(ct);
    }

    public static void WriteUsageChunk(Utf8JsonWriter w, in ResponseHeader h, in UsageFigures usage)
    {
        w.WriteStartObject();
        WriteHeader(w, h, h.ChunkObject);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, usage);
        w.WriteEndObject();
    }

    public static void WriteResponse(Utf8JsonWriter w, in ResponseHeader h, IReadOnlyList<ChoiceResult> choices, in UsageFigures usage)
    {
        w.WriteStartObject();
        WriteHeader(w, h, h.Object);
        w.WriteStartArray("choices");
        foreach (var c in choices)
        {
            w.WriteStartObject();
            w.WriteNumber("index", c.Index);
            if (h.Chat)
            {
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                if (c.ToolCalls is { Count: > 0 } && c.Text.Length == 0)
                    w.WriteNull("content");
                else
                    w.WriteString("content", c.Text);
                w.WriteNull("refusal");
                if (c.ToolCalls is { Count: > 0 } calls)
                    WriteToolCalls(w, calls, withIndex: false);
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("text", c.Text);
            }
            WriteLogprobs(w, h.Chat, c.Logprobs, c.TextOffset);
            w.WriteString("finish_reason", c.FinishReason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteUsage(w, usage);
        w.WriteEndObject();
    }

    /// <summary>
    /// Chat: <c>{"content":[{token, logprob, bytes, top_logprobs:[…]}], "refusal": null}</c>. Legacy
    /// completions: <c>{tokens, token_logprobs, top_logprobs:[{token: logprob}], text_offset}</c>, offsets
    /// counted in characters from the start of the choice's text (after any echoed prompt).
    /// </summary>
    private static void WriteLogprobs(Utf8JsonWriter w, bool chat, IReadOnlyList<TokenLogprob>? logprobs, int textOffset)
    {
        if (logprobs is null)
        {
            w.WriteNull("logprobs");
            return;
        }
        w.WriteStartObject("logprobs");
        if (chat)
        {
            w.WriteStartArray("content");
            foreach (var t in logprobs)
            {
                w.WriteStartObject();
                WriteToken(w, t.Token, t.Logprob, t.Bytes);
                w.WriteStartArray("top_logprobs");
                foreach (var alt in t.Top)
                {
                    w.WriteStartObject();
                    WriteToken(w, alt.Token, alt.Logprob, alt.Bytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("refusal");
        }
        else
        {
            w.WriteStartArray("tokens");
            foreach (var t in logprobs)
                w.WriteStringValue(t.Token);
            w.WriteEndArray();
            w.WriteStartArray("token_logprobs");
            foreach (var t in logprobs)
                w.WriteNumberValue(t.Logprob);
            w.WriteEndArray();
            w.WriteStartArray("top_logprobs");
            foreach (var t in logprobs)
            {
                w.WriteStartObject();
                foreach (var alt in t.Top)
                    w.WriteNumber(alt.Token, alt.Logprob);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("text_offset");
            var offset = textOffset;
            foreach (var t in logprobs)
            {
                w.WriteNumberValue(offset);
                offset += t.Token.Length;
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary><c>tool_calls</c>: id, type and function {name, arguments as JSON text}; stream deltas also carry each call's index.</summary>
    private static void WriteToolCalls(Utf8JsonWriter w, IReadOnlyList<ToolCall> calls, bool withIndex)
    {
        w.WriteStartArray("tool_calls");
        for (var i = 0; i < calls.Count; i++)
        {
            w.WriteStartObject();
            if (withIndex)
                w.WriteNumber("index", i);
            w.WriteString("id", calls[i].Id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", calls[i].Name);
            w.WriteString("arguments", calls[i].ArgumentsJson);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteToken(Utf8JsonWriter w, string token, float logprob, byte[] bytes)
    {
        w.WriteString("token", token);
        w.WriteNumber("logprob", logprob);
        w.WriteStartArray("bytes");
        foreach (var b in bytes)
            w.WriteNumberValue(b);
        w.WriteEndArray();
    }

    private static void WriteHeader(Utf8JsonWriter w, in ResponseHeader h, string obj)
    {
        w.WriteString("id", h.Id);
        w.WriteString("object", obj);
        w.WriteNumber("created", h.Created);
        w.WriteString("model", h.Model);
        w.WriteNull("system_fingerprint");
    }

    private static void WriteUsage(Utf8JsonWriter w, in UsageFigures u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.PromptTokens + u.CompletionTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", u.CachedTokens);
        w.WriteEndObject();
        if (u.ServedBy is { } servedBy)
            w.WriteString("served_by", servedBy);
        w.WriteEndObject();
    }
}

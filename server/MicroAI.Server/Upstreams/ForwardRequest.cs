using System.Buffers;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// Writes the OpenAI request an upstream receives for a validated <see cref="TextRequest"/>, whatever
/// protocol it arrived in: a conversation becomes <c>POST chat/completions</c>, raw prompts
/// <c>POST completions</c>. Always streamed with usage, so the answer reaches the client token by
/// token and its token counts come back; the writer of the caller's protocol buffers it if the
/// caller asked for one body. Fields the caller did not set are left out, so an upstream that does
/// not know llama.cpp's extras (top_k, min_p, grammar) is not sent them unasked.
/// </summary>
internal static class ForwardRequest
{
    public static (string Path, byte[] Body) Build(TextRequest r, string upstreamModel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", upstreamModel);
            if (r.Prompts is { } prompts)
                WritePrompts(w, prompts, r.Suffix);
            else
                WriteMessages(w, r.Messages ?? []);
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();

            if ((r.MaxTokens ?? r.DefaultMaxTokens) is { } max)
                w.WriteNumber("max_tokens", max);
            if (r.N is { } n and not 1)
                w.WriteNumber("n", n);
            if (r.Stop is { Count: > 0 } stop)
            {
                w.WriteStartArray("stop");
                foreach (var s in stop.Where(s => s.Length > 0))
                    w.WriteStringValue(s);
                w.WriteEndArray();
            }
            Number(w, "temperature", r.Temperature);
            Number(w, "top_p", r.TopP);
            Number(w, "presence_penalty", r.PresencePenalty);
            Number(w, "frequency_penalty", r.FrequencyPenalty);
            if (r.Seed is { } seed)
                w.WriteNumber("seed", seed);
            if (r.LogitBias is { Count: > 0 } bias)
            {
                w.WriteStartObject("logit_bias");
                foreach (var (token, value) in bias)
                    w.WriteNumber(token, value);
                w.WriteEndObject();
            }
            if (r.Logprobs is { } logprobs)
            {
                if (r.Prompts is not null)
                    w.WriteNumber("logprobs", logprobs);
                else
                {
                    w.WriteBoolean("logprobs", true);
                    w.WriteNumber("top_logprobs", logprobs);
                }
            }
            // llama.cpp's sampling extras (llama-server, vLLM and MicroAI take them), only when asked for.
            if (r.TopK is { } topK)
                w.WriteNumber("top_k", topK);
            Number(w, "min_p", r.MinP);
            Number(w, "repeat_penalty", r.RepeatPenalty);
            if (r.RepeatLastN is { } lastN)
                w.WriteNumber("repeat_last_n", lastN);
            if (r.Grammar is { } grammar)
                w.WriteString("grammar", grammar);

            if (r.Messages is not null)
            {
                WriteTools(w, r);
                WriteFormat(w, r.Format);
            }
            w.WriteEndObject();
        }
        return (r.Prompts is null ? "chat/completions" : "completions", buffer.WrittenSpan.ToArray());
    }

    private static void WritePrompts(Utf8JsonWriter w, IReadOnlyList<PromptInput> prompts, string? suffix)
    {
        w.WriteStartArray("prompt");
        foreach (var p in prompts)
        {
            if (p.Text is { } text)
                w.WriteStringValue(text);
            else
            {
                w.WriteStartArray();
                foreach (var t in p.Tokens!)
                    w.WriteNumberValue(t);
                w.WriteEndArray();
            }
        }
        w.WriteEndArray();
        if (!string.IsNullOrEmpty(suffix))
            w.WriteString("suffix", suffix);
    }

    private static void WriteMessages(Utf8JsonWriter w, IReadOnlyList<ChatTurn> messages)
    {
        w.WriteStartArray("messages");
        foreach (var m in messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role);
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                if (m.Content.Length > 0)
                    w.WriteString("content", m.Content);
                else
                    w.WriteNull("content");
                w.WriteStartArray("tool_calls");
                foreach (var c in calls)
                {
                    w.WriteStartObject();
                    w.WriteString("id", c.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", c.Name);
                    w.WriteString("arguments", c.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            else
            {
                w.WriteString("content", m.Content);
            }
            if (m.ToolCallId is { } callId)
                w.WriteString("tool_call_id", callId);
            if (m.Name is { } name)
                w.WriteString("name", name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTools(Utf8JsonWriter w, TextRequest r)
    {
        if (r.Tools is not { Count: > 0 } tools)
            return;
        w.WriteStartArray("tools");
        foreach (var t in tools)
            t.Definition.WriteTo(w);
        w.WriteEndArray();
        switch (r.ToolChoice.Mode)
        {
            case ToolChoiceMode.Auto:
                w.WriteString("tool_choice", "auto");
                break;
            case ToolChoiceMode.None:
                w.WriteString("tool_choice", "none");
                break;
            case ToolChoiceMode.Required:
                w.WriteString("tool_choice", "required");
                break;
            case ToolChoiceMode.Function:
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", r.ToolChoice.Name);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
        if (r.ParallelToolCalls is { } parallel)
            w.WriteBoolean("parallel_tool_calls", parallel);
    }

    private static void WriteFormat(Utf8JsonWriter w, OutputFormat? format)
    {
        if (format?.Type is not { } type || type == "text")
            return;
        w.WriteStartObject("response_format");
        w.WriteString("type", type);
        if (type == "json_schema" && format.Schema is { } schema)
        {
            w.WriteStartObject("json_schema");
            w.WriteString("name", "response");
            w.WritePropertyName("schema");
            schema.WriteTo(w);
            w.WriteBoolean("strict", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, float? value)
    {
        if (value is { } v)
            w.WriteNumber(name, Math.Round((double)v, 6));
    }
}

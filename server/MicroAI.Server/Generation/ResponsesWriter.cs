using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.Backends.Abstractions;
using MicroAI.Backends.ToolCalling;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>
/// Answers a Responses API request from the generation event stream: one response object, or the
/// documented event sequence (response.created, response.in_progress, response.output_item.added,
/// response.content_part.added, response.output_text.delta…, response.output_text.done,
/// response.content_part.done, response.output_item.done, response.completed), each an SSE
/// <c>event:</c> + <c>data:</c> pair with a sequence_number.
/// </summary>
internal static class ResponsesWriter
{
    /// <summary>How to read tool calls back from the output, when tools were offered.</summary>
    public sealed record Tools(IToolCallParser Parser, ToolPlan Plan);

    private sealed class State(ResponsesPlan plan, string model, long createdAt, int promptTokens)
    {
        public ResponsesPlan Plan { get; } = plan;
        public string Model { get; } = model;
        public long CreatedAt { get; } = createdAt;
        public string MessageId { get; } = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        public StringBuilder Text { get; } = new();
        public int PromptTokens { get; } = promptTokens;
        public int CachedTokens { get; set; }
        public int OutputTokens { get; set; }
        public string Status { get; set; } = "in_progress";
        public bool Incomplete { get; set; }
        public int Sequence { get; set; }
        public IReadOnlyList<ToolCall> Calls { get; set; } = [];
        /// <summary>The text of the message item (the output minus any tool-call markup).</summary>
        public string MessageText { get; set; } = string.Empty;
    }

    public static async Task CollectAsync(HttpResponse response, ResponsesPlan plan, ResponseStore store, string model, long createdAt, int promptTokens,
        IAsyncEnumerable<(int Index, GenerationEvent Event)> events, Tools? tools, CancellationToken ct)
    {
        var state = new State(plan, model, createdAt, promptTokens);
        await foreach (var (_, e) in events)
        {
            switch (e.Kind)
            {
                case GenerationEventKind.Text:
                    state.Text.Append(e.Text);
                    break;
                case GenerationEventKind.Finished:
                    Finish(state, e);
                    break;
                case GenerationEventKind.Failed:
                    await e.Error!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();
        state.MessageText = state.Text.ToString();
        if (tools is not null)
        {
            var parsed = tools.Parser.Parse(state.MessageText, tools.Plan.Names);
            if (parsed.HasToolCalls)
            {
                state.MessageText = parsed.Content ?? string.Empty;
                state.Calls = tools.Plan.Parallel ? parsed.ToolCalls : [parsed.ToolCalls[0]];
            }
        }
        Remember(state, store);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(response.BodyWriter))
            WriteResponse(w, state);
        await response.BodyWriter.FlushAsync(ct);
    }

    public static async Task StreamAsync(HttpResponse response, ResponsesPlan plan, ResponseStore store, string model, long createdAt, int promptTokens,
        IAsyncEnumerable<(int Index, GenerationEvent Event)> events, Tools? tools, CancellationToken ct)
    {
        var filter = tools is null ? null : new ToolCallStreamFilter(tools.Parser, tools.Plan.Names);
        var sent = new StringBuilder(); // the message text clients have received
        SseWriter.PrepareResponse(response);
        using var sse = new SseWriter(response.BodyWriter);
        var s = new State(plan, model, createdAt, promptTokens);

        await EventAsync(sse, s, "response.created", w => Response(w, s), ct);
        await EventAsync(sse, s, "response.in_progress", w => Response(w, s), ct);
        await EventAsync(sse, s, "response.output_item.added", w =>
        {
            w.WriteNumber("output_index", 0);
            w.WritePropertyName("item");
            WriteMessage(w, s, "in_progress", text: null);
        }, ct);
        await EventAsync(sse, s, "response.content_part.added", w =>
        {
            Indices(w, s);
            w.WritePropertyName("part");
            WritePart(w, string.Empty);
        }, ct);

        await foreach (var (_, e) in events)
        {
            switch (e.Kind)
            {
                case GenerationEventKind.Text:
                    s.Text.Append(e.Text);
                    var delta = filter is null ? e.Text! : filter.Push(e.Text!);
                    if (delta.Length > 0)
                    {
                        sent.Append(delta);
                        await DeltaAsync(sse, s, delta, ct);
                    }
                    break;
                case GenerationEventKind.Finished:
                    Finish(s, e);
                    break;
                case GenerationEventKind.Failed:
                    s.Status = "failed";
                    var error = e.Error!.ToApiError();
                    await EventAsync(sse, s, "error", w =>
                    {
                        w.WriteString("code", error.Code);
                        w.WriteString("message", error.Message);
                        w.WriteString("param", error.Param);
                    }, ct);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();
        if (filter is not null)
        {
            // Complete() parses only what was held back; its content is the rest of the message text.
            var parsed = filter.Complete();
            if (parsed.Content is { Length: > 0 } rest)
            {
                sent.Append(rest);
                await DeltaAsync(sse, s, rest, ct);
            }
            if (parsed.HasToolCalls)
                s.Calls = tools!.Plan.Parallel ? parsed.ToolCalls : [parsed.ToolCalls[0]];
        }
        s.MessageText = sent.ToString();
        Remember(s, store);
        var text = s.MessageText;
        await EventAsync(sse, s, "response.output_text.done", w =>
        {
            Indices(w, s);
            w.WriteString("text", text);
            w.WriteStartArray("logprobs");
            w.WriteEndArray();
        }, ct);
        await EventAsync(sse, s, "response.content_part.done", w =>
        {
            Indices(w, s);
            w.WritePropertyName("part");
            WritePart(w, text);
        }, ct);
        await EventAsync(sse, s, "response.output_item.done", w =>
        {
            w.WriteNumber("output_index", 0);
            w.WritePropertyName("item");
            WriteMessage(w, s, s.Incomplete ? "incomplete" : "completed", text);
        }, ct);
        for (var i = 0; i < s.Calls.Count; i++)
        {
            var call = s.Calls[i];
            var outputIndex = i + 1;
            await EventAsync(sse, s, "response.output_item.added", w =>
            {
                w.WriteNumber("output_index", outputIndex);
                w.WritePropertyName("item");
                WriteFunctionCall(w, call, "in_progress", string.Empty);
            }, ct);
            await EventAsync(sse, s, "response.function_call_arguments.delta", w =>
            {
                w.WriteString("item_id", FunctionItemId(call));
                w.WriteNumber("output_index", outputIndex);
                w.WriteString("delta", call.ArgumentsJson);
            }, ct);
            await EventAsync(sse, s, "response.function_call_arguments.done", w =>
            {
                w.WriteString("item_id", FunctionItemId(call));
                w.WriteNumber("output_index", outputIndex);
                w.WriteString("arguments", call.ArgumentsJson);
            }, ct);
            await EventAsync(sse, s, "response.output_item.done", w =>
            {
                w.WriteNumber("output_index", outputIndex);
                w.WritePropertyName("item");
                WriteFunctionCall(w, call, "completed", call.ArgumentsJson);
            }, ct);
        }
        await EventAsync(sse, s, s.Incomplete ? "response.incomplete" : "response.completed", w => Response(w, s), ct);
    }

    private static ValueTask DeltaAsync(SseWriter sse, State s, string delta, CancellationToken ct) =>
        EventAsync(sse, s, "response.output_text.delta", w =>
        {
            Indices(w, s);
            w.WriteString("delta", delta);
            w.WriteStartArray("logprobs");
            w.WriteEndArray();
        }, ct);

    private static string FunctionItemId(ToolCall call) => "fc_" + call.Id;

    private static void WriteFunctionCall(Utf8JsonWriter w, ToolCall call, string status, string arguments)
    {
        w.WriteStartObject();
        w.WriteString("id", FunctionItemId(call));
        w.WriteString("type", "function_call");
        w.WriteString("status", status);
        w.WriteString("call_id", call.Id);
        w.WriteString("name", call.Name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
    }

    private static void Finish(State s, GenerationEvent e)
    {
        s.OutputTokens = e.Usage.CompletionTokens;
        s.CachedTokens = e.Usage.CachedPromptTokens;
        s.Incomplete = e.FinishReason == FinishReason.Length && s.Plan.MaxOutputTokens is not null && e.Usage.CompletionTokens >= s.Plan.MaxOutputTokens;
        s.Status = s.Incomplete ? "incomplete" : "completed";
    }

    private static void Remember(State s, ResponseStore store)
    {
        if (s.Plan.Store)
            store.Save(s.Plan.Id, s.Plan.Owner, [.. s.Plan.Conversation, new ChatTurn("assistant", s.MessageText)
            {
                ToolCalls = s.Calls.Count == 0 ? null : s.Calls.Select(c => new ChatToolCall(c.Id, c.Name, c.ArgumentsJson)).ToList(),
            }]);
    }

    private static async ValueTask EventAsync(SseWriter sse, State s, string type, Action<Utf8JsonWriter> body, CancellationToken ct)
    {
        var w = sse.BeginEvent(type);
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteNumber("sequence_number", s.Sequence++);
        body(w);
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
    }

    private static void Response(Utf8JsonWriter w, State s)
    {
        w.WritePropertyName("response");
        WriteResponse(w, s);
    }

    private static void Indices(Utf8JsonWriter w, State s)
    {
        w.WriteString("item_id", s.MessageId);
        w.WriteNumber("output_index", 0);
        w.WriteNumber("content_index", 0);
    }

    private static void WritePart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteString("text", text);
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteStartArray("logprobs");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, State s, string status, string? text)
    {
        w.WriteStartObject();
        w.WriteString("id", s.MessageId);
        w.WriteString("type", "message");
        w.WriteString("status", status);
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        if (text is not null)
            WritePart(w, text);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The response object, field for field as OpenAI's API reference gives it (text output only).</summary>
    private static void WriteResponse(Utf8JsonWriter w, State s)
    {
        var done = s.Status is "completed" or "incomplete";
        w.WriteStartObject();
        w.WriteString("id", s.Plan.Id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", s.CreatedAt);
        w.WriteString("status", s.Status);
        w.WriteNull("error");
        if (s.Incomplete)
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", "max_output_tokens");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details");
        }
        w.WriteString("instructions", s.Plan.Instructions);
        if (s.Plan.MaxOutputTokens is { } max) w.WriteNumber("max_output_tokens", max); else w.WriteNull("max_output_tokens");
        w.WriteString("model", s.Model);
        w.WriteStartArray("output");
        if (done)
        {
            if (s.Calls.Count == 0 || s.MessageText.Length > 0)
                WriteMessage(w, s, s.Incomplete ? "incomplete" : "completed", s.MessageText);
            foreach (var call in s.Calls)
                WriteFunctionCall(w, call, "completed", call.ArgumentsJson);
        }
        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls", true);
        w.WriteString("previous_response_id", s.Plan.PreviousResponseId);
        w.WriteStartObject("reasoning");
        w.WriteNull("effort");
        w.WriteNull("summary");
        w.WriteEndObject();
        w.WriteBoolean("store", s.Plan.Store);
        if (s.Plan.Temperature is { } t) w.WriteNumber("temperature", t); else w.WriteNull("temperature");
        w.WriteStartObject("text");
        if (s.Plan.TextFormat is { } format)
        {
            w.WritePropertyName("format");
            format.WriteTo(w);
        }
        else
        {
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteString("tool_choice", "auto");
        w.WriteStartArray("tools");
        w.WriteEndArray();
        if (s.Plan.TopP is { } p) w.WriteNumber("top_p", p); else w.WriteNull("top_p");
        w.WriteString("truncation", "disabled");
        if (done)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", s.PromptTokens);
            w.WriteStartObject("input_tokens_details");
            w.WriteNumber("cached_tokens", s.CachedTokens);
            w.WriteEndObject();
            w.WriteNumber("output_tokens", s.OutputTokens);
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("reasoning_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("total_tokens", s.PromptTokens + s.OutputTokens);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("usage");
        }
        w.WriteNull("user");
        w.WriteStartObject("metadata");
        foreach (var (k, v) in s.Plan.Metadata)
            w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

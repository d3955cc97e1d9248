using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.ToolCalling;
using MicroAI.Server.Generation;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>The answer of a finished response: the message text and the calls the model made.</summary>
internal sealed record ResponseAnswer(string MessageText, IReadOnlyList<ToolCall> Calls);

/// <summary>
/// Answers a Responses API request from a run: one response object, or the
/// documented event sequence (response.created, response.in_progress, response.output_item.added,
/// response.content_part.added, response.output_text.delta…, response.output_text.done,
/// response.content_part.done, response.output_item.done, response.completed), each an SSE
/// <c>event:</c> + <c>data:</c> pair with a sequence_number.
/// </summary>
/// <param name="finished">Told the answer once it is complete, before the last events go out (so a
/// client that follows up at once finds it); the endpoint stores it for previous_response_id.</param>
internal sealed class ResponsesWriter(ResponsesPlan plan, bool stream, Action<ResponsesPlan, ResponseAnswer> finished) : IGenerationWriter
{
    private sealed class State(ResponsesPlan plan, string model, long createdAt, RunUsage usage)
    {
        public ResponsesPlan Plan { get; } = plan;
        public string Model { get; } = model;
        public long CreatedAt { get; } = createdAt;
        public string MessageId { get; } = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        public StringBuilder Text { get; } = new();
        /// <summary>Read when written: an upstream reports it with the end of its answer.</summary>
        public int PromptTokens => usage.PromptTokens;
        public string ServedBy => usage.ServedBy;
        public int CachedTokens { get; set; }
        public int OutputTokens { get; set; }
        public string Status { get; set; } = "in_progress";
        public bool Incomplete { get; set; }
        public int Sequence { get; set; }
        public IReadOnlyList<ToolCall> Calls { get; set; } = [];
        /// <summary>The text of the message item (the output minus any tool-call markup).</summary>
        public string MessageText { get; set; } = string.Empty;
    }

    public bool Streams => stream;

    public Task WriteFailureAsync(HttpResponse response, RunFailure failure) => failure.ToApiError().WriteResponseAsync(response);

    public Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct) =>
        stream ? StreamAsync(response, run, ct) : CollectAsync(response, run, ct);

    private async Task CollectAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var state = new State(plan, run.Model, run.Created, run.Usage);
        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    state.Text.Append(e.Text);
                    break;
                case RunEventKind.ToolCalls:
                    state.Calls = e.ToolCalls!;
                    break;
                case RunEventKind.Finished:
                    Finish(state, e);
                    break;
                case RunEventKind.Failed:
                    await e.Failure!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();
        state.MessageText = state.Text.ToString();
        finished(plan, new ResponseAnswer(state.MessageText, state.Calls));
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(response.BodyWriter))
            WriteResponse(w, state);
        await response.BodyWriter.FlushAsync(ct);
    }

    private async Task StreamAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        SseWriter.PrepareResponse(response);
        using var sse = new SseWriter(response.BodyWriter);
        var s = new State(plan, run.Model, run.Created, run.Usage);

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

        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    if (e.Text is { Length: > 0 } delta)
                    {
                        s.Text.Append(delta);
                        await DeltaAsync(sse, s, delta, ct);
                    }
                    break;
                case RunEventKind.ToolCalls:
                    s.Calls = e.ToolCalls!;
                    break;
                case RunEventKind.Finished:
                    Finish(s, e);
                    break;
                case RunEventKind.Failed:
                    s.Status = "failed";
                    var error = e.Failure!.ToApiError();
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
        s.MessageText = s.Text.ToString();
        finished(plan, new ResponseAnswer(s.MessageText, s.Calls));
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

    private static void Finish(State s, RunEvent e)
    {
        s.OutputTokens = e.Usage.CompletionTokens;
        s.CachedTokens = e.Usage.CachedPromptTokens;
        s.Incomplete = e.FinishReason == FinishReason.Length && s.Plan.MaxOutputTokens is not null && e.Usage.CompletionTokens >= s.Plan.MaxOutputTokens;
        s.Status = s.Incomplete ? "incomplete" : "completed";
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
            w.WriteString("served_by", s.ServedBy);
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

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Anthropic.Messages;

/// <summary>
/// Answers a Messages API request from a run: one <c>message</c> object, or Anthropic's named SSE
/// events (message_start, ping, content_block_start / _delta / _stop per block, message_delta with
/// the stop reason and usage, message_stop). Text streams as it comes; tool calls are read from the
/// whole output, so each goes out at the end as one tool_use block with its input in one
/// input_json_delta.
/// </summary>
/// <param name="stopSequences">The request's stop_sequences: a stop string of the chat format also ends a turn, but that is end_turn.</param>
internal sealed class MessagesWriter(bool stream, IReadOnlyList<string> stopSequences, TimeProvider time) : IGenerationWriter
{
    /// <summary>
    /// Silence after which a stream sends a ping, as Anthropic's streams do to keep a connection open.
    /// Proxies close idle connections after 60 s by default (nginx's proxy_read_timeout) and some after
    /// 30 s; a queued request or a long prefill can be silent that long, and 10 s stays well inside both.
    /// </summary>
    internal static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    private readonly string _id = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public bool Streams => stream;

    public Task WriteFailureAsync(HttpResponse response, RunFailure failure) => failure.ToApiError().WriteResponseAsync(response);

    public Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct) =>
        stream ? StreamAsync(response, run, ct) : CollectAsync(response, run, ct);

    private async Task CollectAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var text = new StringBuilder();
        IReadOnlyList<ToolCall> calls = [];
        RunEvent finished = default;
        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text: text.Append(e.Text); break;
                case RunEventKind.ToolCalls: calls = e.ToolCalls!; break;
                case RunEventKind.Finished: finished = e; break;
                case RunEventKind.Failed:
                    await e.Failure!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(response.BodyWriter))
        {
            w.WriteStartObject();
            WriteHeader(w, run.Model);
            w.WriteStartArray("content");
            if (text.Length > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", text.ToString());
                w.WriteEndObject();
            }
            foreach (var call in calls)
                WriteToolUse(w, call, withInput: true);
            w.WriteEndArray();
            WriteStop(w, finished, calls.Count > 0);
            WriteUsage(w, run.Usage, final: true);
            w.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(ct);
    }

    private async Task StreamAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        SseWriter.PrepareResponse(response);
        using var sse = new SseWriter(response.BodyWriter);

        var w = sse.BeginEvent("message_start");
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        WriteHeader(w, run.Model);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        WriteUsage(w, run.Usage, final: false);
        w.WriteEndObject();
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
        await PingAsync(sse, ct);

        var blocks = 0; // content blocks opened so far; the open text block, if any, is the last
        var textOpen = false;
        IReadOnlyList<ToolCall> calls = [];
        RunEvent finished = default;
        var lastWrite = time.GetTimestamp();
        Task? idle = null;
        Task<bool>? pending = null;
        var events = run.Events.GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                // Wait for the next event, pinging whenever nothing has gone out for PingInterval.
                var moving = events.MoveNextAsync();
                if (!moving.IsCompleted)
                {
                    pending = moving.AsTask();
                    while (true)
                    {
                        var wait = PingInterval - time.GetElapsedTime(lastWrite);
                        idle ??= Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, ct);
                        if (await Task.WhenAny(pending, idle) == pending)
                            break;
                        ct.ThrowIfCancellationRequested();
                        idle = null;
                        if (time.GetElapsedTime(lastWrite) >= PingInterval)
                        {
                            await PingAsync(sse, ct);
                            lastWrite = time.GetTimestamp();
                        }
                    }
                    moving = new ValueTask<bool>(pending);
                }
                if (!await moving)
                    break;

                var e = events.Current;
                switch (e.Kind)
                {
                    case RunEventKind.Text when e.Text is { Length: > 0 } delta:
                        if (!textOpen)
                        {
                            textOpen = true;
                            w = BeginBlockStart(sse, blocks++);
                            w.WriteString("type", "text");
                            w.WriteString("text", string.Empty);
                            await EndBlockStartAsync(sse, w, ct);
                        }
                        w = sse.BeginEvent("content_block_delta");
                        w.WriteStartObject();
                        w.WriteString("type", "content_block_delta");
                        w.WriteNumber("index", blocks - 1);
                        w.WriteStartObject("delta");
                        w.WriteString("type", "text_delta");
                        w.WriteString("text", delta);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        await sse.EndDataAsync(ct);
                        lastWrite = time.GetTimestamp();
                        break;
                    case RunEventKind.ToolCalls:
                        calls = e.ToolCalls!;
                        break;
                    case RunEventKind.Finished:
                        finished = e;
                        break;
                    case RunEventKind.Failed:
                        w = sse.BeginEvent("error");
                        AnthropicError.Write(w, e.Failure!.ToApiError());
                        await sse.EndDataAsync(ct);
                        return;
                }
            }
        }
        finally
        {
            // An iterator cannot be disposed while a MoveNextAsync is in flight (a disconnect, a failed
            // write): it is disposed once that ends, which the runner's cancellation makes prompt.
            if (pending is { IsCompleted: false })
                _ = pending.ContinueWith(_ => events.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            else
                await events.DisposeAsync();
        }
        ct.ThrowIfCancellationRequested();

        if (textOpen)
            await BlockStopAsync(sse, blocks - 1, ct);
        foreach (var call in calls)
        {
            var index = blocks++;
            w = BeginBlockStart(sse, index);
            WriteToolUseFields(w, call);
            w.WriteStartObject("input");
            w.WriteEndObject();
            await EndBlockStartAsync(sse, w, ct);
            w = sse.BeginEvent("content_block_delta");
            w.WriteStartObject();
            w.WriteString("type", "content_block_delta");
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            w.WriteString("type", "input_json_delta");
            w.WriteString("partial_json", InputJson(call));
            w.WriteEndObject();
            w.WriteEndObject();
            await sse.EndDataAsync(ct);
            await BlockStopAsync(sse, index, ct);
        }

        w = sse.BeginEvent("message_delta");
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        WriteStop(w, finished, calls.Count > 0);
        w.WriteEndObject();
        WriteUsage(w, run.Usage, final: true);
        w.WriteEndObject();
        await sse.EndDataAsync(ct);

        w = sse.BeginEvent("message_stop");
        w.WriteStartObject();
        w.WriteString("type", "message_stop");
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
    }

    private static async ValueTask PingAsync(SseWriter sse, CancellationToken ct)
    {
        var w = sse.BeginEvent("ping");
        w.WriteStartObject();
        w.WriteString("type", "ping");
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
    }

    /// <summary>Opens a content_block_start event up to the block's own fields.</summary>
    private static Utf8JsonWriter BeginBlockStart(SseWriter sse, int index)
    {
        var w = sse.BeginEvent("content_block_start");
        w.WriteStartObject();
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", index);
        w.WriteStartObject("content_block");
        return w;
    }

    private static async ValueTask EndBlockStartAsync(SseWriter sse, Utf8JsonWriter w, CancellationToken ct)
    {
        w.WriteEndObject();
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
    }

    private static async ValueTask BlockStopAsync(SseWriter sse, int index, CancellationToken ct)
    {
        var w = sse.BeginEvent("content_block_stop");
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
        await sse.EndDataAsync(ct);
    }

    private void WriteHeader(Utf8JsonWriter w, string model)
    {
        w.WriteString("id", _id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
    }

    private static void WriteToolUse(Utf8JsonWriter w, ToolCall call, bool withInput)
    {
        w.WriteStartObject();
        WriteToolUseFields(w, call);
        if (withInput)
        {
            w.WritePropertyName("input");
            w.WriteRawValue(InputJson(call), skipInputValidation: true);
        }
        w.WriteEndObject();
    }

    private static void WriteToolUseFields(Utf8JsonWriter w, ToolCall call)
    {
        w.WriteString("type", "tool_use");
        w.WriteString("id", ToolUseId(call));
        w.WriteString("name", call.Name);
    }

    /// <summary>Anthropic's ids are "toolu_…"; the call's own id (from the model's output or made up by the reader) is kept after it, so both forms of one answer agree.</summary>
    private static string ToolUseId(ToolCall call) => call.Id.StartsWith("toolu_", StringComparison.Ordinal) ? call.Id : "toolu_" + call.Id;

    /// <summary>tool_use input is an object; arguments that are not one (a small model's stray string) are given as {}.</summary>
    private static string InputJson(ToolCall call)
    {
        try
        {
            using var document = JsonDocument.Parse(call.ArgumentsJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? call.ArgumentsJson : "{}";
        }
        catch (JsonException)
        {
            return "{}";
        }
    }

    /// <summary>stop_reason and stop_sequence: tool_use when calls were made, max_tokens when the length ran out, stop_sequence naming the request's stop string that matched, else end_turn.</summary>
    private void WriteStop(Utf8JsonWriter w, RunEvent finished, bool called)
    {
        var matched = !called && finished.FinishReason == FinishReason.Stop && finished.StopSequence is { } s && stopSequences.Contains(s) ? s : null;
        w.WriteString("stop_reason", called ? "tool_use" : finished.FinishReason == FinishReason.Length ? "max_tokens" : matched is not null ? "stop_sequence" : "end_turn");
        if (matched is null) w.WriteNull("stop_sequence"); else w.WriteString("stop_sequence", matched);
    }

    /// <summary>
    /// Anthropic's usage: input_tokens are the prompt tokens not read from cache, so input_tokens +
    /// cache_read_input_tokens is the whole prompt (what count_tokens says). Which prefix a slot
    /// reuses is only known once the request is admitted, so message_start counts the whole prompt as
    /// input and message_delta gives the final split.
    /// </summary>
    private static void WriteUsage(Utf8JsonWriter w, RunUsage usage, bool final)
    {
        var cached = final ? Math.Min(usage.CachedTokens, usage.PromptTokens) : 0;
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", usage.PromptTokens - cached);
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", cached);
        w.WriteNumber("output_tokens", final ? usage.CompletionTokens : 0);
        w.WriteString("served_by", usage.ServedBy);
        w.WriteEndObject();
    }
}

using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Answers /api/generate (<c>"response"</c>) or /api/chat (<c>"message"</c>) from a run: NDJSON lines
/// as text arrives and a last line with <c>done</c>, <c>done_reason</c>, the token counts and the
/// measured durations in nanoseconds; or, with <c>stream:false</c>, that last line alone carrying the
/// whole answer. One choice per request (Ollama has no n).
/// </summary>
internal sealed class OllamaGenerationWriter(bool chat, bool stream, string requestedModel) : IGenerationWriter
{
    public bool Streams => stream;

    public Task WriteFailureAsync(HttpResponse response, RunFailure failure) => ToError(failure, requestedModel).WriteResponseAsync(response);

    /// <summary>Ollama's words for an unknown model (404 <c>model 'x' not found</c>), else the shared mapping.</summary>
    public static ApiError ToError(RunFailure failure, string model) =>
        failure.Lookup is { Error: ModelLookupError.NotFound } ? OllamaErrors.ModelNotFound(model) : failure.ToApiError();

    public async Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        if (!stream)
        {
            await CollectAsync(response, run, ct);
            return;
        }
        NdjsonWriter.PrepareResponse(response);
        using var lines = new NdjsonWriter(response.BodyWriter);
        await foreach (var e in run.Events.WithCancellation(ct))
        {
            switch (e.Kind)
            {
                case RunEventKind.Text when !string.IsNullOrEmpty(e.Text):
                    WriteLine(lines.BeginLine(), run, e.Text, null, done: null);
                    await lines.EndLineAsync(ct);
                    break;
                case RunEventKind.ToolCalls:
                    WriteLine(lines.BeginLine(), run, "", e.ToolCalls, done: null);
                    await lines.EndLineAsync(ct);
                    break;
                case RunEventKind.Finished:
                    WriteLine(lines.BeginLine(), run, "", null, e.FinishReason);
                    await lines.EndLineAsync(ct);
                    return;
                case RunEventKind.Failed:
                    await lines.WriteErrorAsync(e.Failure!.ToApiError().Message, ct);
                    return;
            }
        }
    }

    private async Task CollectAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var text = new StringBuilder();
        IReadOnlyList<ToolCall>? calls = null;
        await foreach (var e in run.Events.WithCancellation(ct))
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    text.Append(e.Text);
                    break;
                case RunEventKind.ToolCalls:
                    calls = e.ToolCalls;
                    break;
                case RunEventKind.Finished:
                    await JsonOutput.WriteResponseAsync(response.HttpContext, w => WriteLine(w, run, text.ToString(), calls, e.FinishReason));
                    return;
                case RunEventKind.Failed:
                    await e.Failure!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
    }

    /// <summary>One line; <paramref name="done"/> null for a piece of the answer, else the last line with its statistics.</summary>
    private void WriteLine(Utf8JsonWriter w, GenerationRun run, string text, IReadOnlyList<ToolCall>? calls, FinishReason? done)
    {
        w.WriteStartObject();
        w.WriteString("model", run.Model);
        w.WriteString("created_at", DateTime.UtcNow);
        if (chat)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
            if (calls is { Count: > 0 })
                WriteToolCalls(w, calls);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("response", text);
        }
        w.WriteBoolean("done", done is not null);
        if (done is { } reason)
        {
            w.WriteString("done_reason", reason == FinishReason.Length ? "length" : "stop");
            WriteStatistics(w, run.Usage);
        }
        w.WriteEndObject();
    }

    private static void WriteToolCalls(Utf8JsonWriter w, IReadOnlyList<ToolCall> calls)
    {
        w.WriteStartArray("tool_calls");
        for (var i = 0; i < calls.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("id", calls[i].Id);
            w.WriteStartObject("function");
            w.WriteNumber("index", i);
            w.WriteString("name", calls[i].Name);
            w.WritePropertyName("arguments");
            WriteArguments(w, calls[i].ArgumentsJson);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Ollama carries arguments as an object, not OpenAI's JSON text.</summary>
    private static void WriteArguments(Utf8JsonWriter w, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(w);
                return;
            }
        }
        catch (JsonException)
        {
            // not an object: written as the text the model produced
        }
        w.WriteStringValue(json);
    }

    /// <summary>Token counts and Ollama's durations, in nanoseconds, as the runner measured them.</summary>
    public static void WriteStatistics(Utf8JsonWriter w, RunUsage usage)
    {
        if (usage.Timings is { } t)
        {
            w.WriteNumber("total_duration", Nanoseconds(t.Total));
            w.WriteNumber("load_duration", Nanoseconds(t.Load));
        }
        w.WriteNumber("prompt_eval_count", usage.PromptTokens);
        if (usage.Timings is { } p)
            w.WriteNumber("prompt_eval_duration", Nanoseconds(p.PromptEval));
        w.WriteNumber("eval_count", usage.CompletionTokens);
        if (usage.Timings is { } e)
            w.WriteNumber("eval_duration", Nanoseconds(e.Eval));
        w.WriteString("served_by", usage.ServedBy);
    }

    public static long Nanoseconds(TimeSpan span) => span.Ticks * 100;
}

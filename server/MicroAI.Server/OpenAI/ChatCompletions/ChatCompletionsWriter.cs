using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.TextFormats.ToolCalling;
using MicroAI.Server.Generation;

namespace MicroAI.Server.OpenAI.ChatCompletions;

/// <summary>Answers a chat completion from a run: one <c>chat.completion</c> body, or <c>chat.completion.chunk</c> SSE events.</summary>
internal sealed class ChatCompletionsWriter(bool stream, bool includeUsage) : IGenerationWriter
{
    public bool Streams => stream;

    public Task WriteFailureAsync(HttpResponse response, RunFailure failure) => failure.ToApiError().WriteResponseAsync(response);

    public Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct) =>
        stream ? StreamAsync(response, run, ct) : CollectAsync(response, run, ct);

    private static ResponseHeader Header(GenerationRun run) => new("chatcmpl-" + Guid.NewGuid().ToString("N"), run.Created, run.Model, Chat: true);

    private static async Task CollectAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var texts = Enumerable.Range(0, run.Choices).Select(_ => new StringBuilder()).ToArray();
        var logprobs = run.Logprobs ? Enumerable.Range(0, run.Choices).Select(_ => new List<TokenLogprob>()).ToArray() : null;
        var calls = new IReadOnlyList<ToolCall>?[run.Choices];
        var finish = new string?[run.Choices];
        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    texts[e.Choice].Append(e.Text);
                    if (e.Logprobs is { } lp)
                        logprobs?[e.Choice].AddRange(lp);
                    break;
                case RunEventKind.ToolCalls:
                    calls[e.Choice] = e.ToolCalls;
                    break;
                case RunEventKind.Finished:
                    finish[e.Choice] = calls[e.Choice] is null ? CompletionJson.FinishReasonText(e.FinishReason) : "tool_calls";
                    break;
                case RunEventKind.Failed:
                    await e.Failure!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        var choices = new ChoiceResult[run.Choices];
        for (var i = 0; i < choices.Length; i++)
            choices[i] = new ChoiceResult(i, texts[i].ToString(), finish[i] ?? "stop", logprobs?[i], ToolCalls: calls[i]);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(response.BodyWriter))
            CompletionJson.WriteResponse(w, Header(run), choices, CompletionJson.Usage(run));
        await response.BodyWriter.FlushAsync(ct);
    }

    private async Task StreamAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var header = Header(run);
        SseWriter.PrepareResponse(response);
        using var sse = new SseWriter(response.BodyWriter);
        for (var i = 0; i < run.Choices; i++)
        {
            CompletionJson.WriteChunk(sse.BeginData(), header, i, "assistant", string.Empty, null, includeUsage);
            await sse.EndDataAsync(ct);
        }

        var called = new bool[run.Choices];
        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    CompletionJson.WriteChunk(sse.BeginData(), header, e.Choice, null, e.Text, null, includeUsage, e.Logprobs);
                    await sse.EndDataAsync(ct);
                    break;
                case RunEventKind.ToolCalls:
                    called[e.Choice] = true;
                    CompletionJson.WriteChunk(sse.BeginData(), header, e.Choice, null, null, null, includeUsage, toolCalls: e.ToolCalls);
                    await sse.EndDataAsync(ct);
                    break;
                case RunEventKind.Finished:
                    var reason = called[e.Choice] ? "tool_calls" : CompletionJson.FinishReasonText(e.FinishReason);
                    CompletionJson.WriteChunk(sse.BeginData(), header, e.Choice, null, null, reason, includeUsage);
                    await sse.EndDataAsync(ct);
                    break;
                case RunEventKind.Failed:
                    await sse.WriteErrorAsync(e.Failure!.ToApiError(), ct);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        await CompletionJson.EndStreamAsync(sse, header, run, includeUsage, ct);
    }
}

using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;

namespace MicroAI.Server.OpenAI.Completions;

/// <summary>
/// Answers a legacy completion from a run: one <c>text_completion</c> body, or its SSE chunks.
/// With echo, each choice's text starts with its prompt, and logprob offsets count from there.
/// </summary>
/// <param name="echo">Per choice, the prompt text to put before it; null without echo.</param>
internal sealed class CompletionsWriter(bool stream, bool includeUsage, IReadOnlyList<string>? echo) : IGenerationWriter
{
    public bool Streams => stream;

    public Task WriteFailureAsync(HttpResponse response, RunFailure failure) => failure.ToApiError().WriteResponseAsync(response);

    public Task WriteAsync(HttpResponse response, GenerationRun run, CancellationToken ct) =>
        stream ? StreamAsync(response, run, ct) : CollectAsync(response, run, ct);

    private static ResponseHeader Header(GenerationRun run) => new("cmpl-" + Guid.NewGuid().ToString("N"), run.Created, run.Model, Chat: false);

    private async Task CollectAsync(HttpResponse response, GenerationRun run, CancellationToken ct)
    {
        var texts = Enumerable.Range(0, run.Choices).Select(i => new StringBuilder(echo?[i] ?? string.Empty)).ToArray();
        var logprobs = run.Logprobs ? Enumerable.Range(0, run.Choices).Select(_ => new List<TokenLogprob>()).ToArray() : null;
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
                case RunEventKind.Finished:
                    finish[e.Choice] = CompletionJson.FinishReasonText(e.FinishReason);
                    break;
                case RunEventKind.Failed:
                    await e.Failure!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        var choices = new ChoiceResult[run.Choices];
        for (var i = 0; i < choices.Length; i++)
            choices[i] = new ChoiceResult(i, texts[i].ToString(), finish[i] ?? "stop", logprobs?[i], echo?[i].Length ?? 0);
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
        var offsets = new int[run.Choices];
        if (echo is not null)
        {
            for (var i = 0; i < run.Choices; i++)
            {
                CompletionJson.WriteChunk(sse.BeginData(), header, i, null, echo[i], null, includeUsage);
                await sse.EndDataAsync(ct);
                offsets[i] = echo[i].Length;
            }
        }

        await foreach (var e in run.Events)
        {
            switch (e.Kind)
            {
                case RunEventKind.Text:
                    CompletionJson.WriteChunk(sse.BeginData(), header, e.Choice, null, e.Text, null, includeUsage, e.Logprobs, offsets[e.Choice]);
                    offsets[e.Choice] += e.Text!.Length;
                    await sse.EndDataAsync(ct);
                    break;
                case RunEventKind.Finished:
                    CompletionJson.WriteChunk(sse.BeginData(), header, e.Choice, null, string.Empty, CompletionJson.FinishReasonText(e.FinishReason), includeUsage);
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

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Models;
using MicroAI.Backends.Scheduling;
using MicroAI.Backends.ToolCalling;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>
/// Runs a <see cref="GenerationPlan"/>: resolves the model, submits one request per choice to the
/// model's scheduler, and answers from the merged event streams as one JSON body or as SSE chunks.
/// Whatever happens (error, disconnect), every submitted sequence is cancelled on the way out, so
/// no slot outlives its HTTP request.
/// </summary>
internal sealed class CompletionResponder(IModelHost host, TimeProvider time, Observability.MicroAIMetrics metrics,
    Microsoft.Extensions.Options.IOptions<MicroAI.Backends.EngineOptions> engine, ResponseStore responses, ILogger<CompletionResponder> logger)
{
    private readonly TimeSpan? _timeLimit = engine.Value.RequestTimeoutSeconds > 0 ? TimeSpan.FromSeconds(engine.Value.RequestTimeoutSeconds) : null;

    public async Task RespondAsync(HttpContext http, GenerationPlan plan)
    {
        var started = time.GetTimestamp();
        var aborted = http.RequestAborted;
        var lookup = await host.GetTextModelAsync(plan.Model, plan.KeepAlive, aborted);
        if (lookup.Model is not { } model)
        {
            await lookup.ToApiError().WriteResponseAsync(http.Response);
            return;
        }
        using var lease = lookup.Lease; // the model stays loaded while this request uses it

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        try
        {
            var streams = new GenerationStream[plan.Choices.Count];
            var settings = model.Entry.Settings;
            for (var i = 0; i < streams.Length; i++)
            {
                var request = WithModelDefaults(plan.Choices[i], plan, settings, i % plan.ChoicesPerPrompt) with { TimeLimit = _timeLimit };
                var submitted = model.Submit(request, cts.Token);
                if (submitted.Error is { } error)
                {
                    await cts.CancelAsync();
                    await error.ToApiError().WriteResponseAsync(http.Response);
                    return;
                }
                streams[i] = submitted.Stream!;
            }

            var header = new ResponseHeader(NewId(plan.Chat), time.GetUtcNow().ToUnixTimeSeconds(), model.Entry.Id, plan.Chat);
            var promptTokens = 0;
            for (var i = 0; i < streams.Length; i += plan.ChoicesPerPrompt)
                promptTokens += streams[i].PromptTokens;

            Security.TokenUsage.Add(http, promptTokens);
            var timing = new Timing(time, metrics, started, streams.Length, model.Entry.Id, plan.ChoicesPerPrompt, http.Features.Get<Security.TokenUsage>());
            // Tools: the model's output is read back in the format its chat template taught it.
            var toolParser = plan.Tools is null ? null
                : plan.Tools.ForcedGrammar is not null ? ToolCallFormats.Create(ToolCallFormat.Generic) // the grammar wrote bare JSON
                : ToolCallFormats.ForTemplate(plan.Choices[0].ChatTemplate ?? model.Info.ChatTemplate);
            if (plan.Responses is { } rp)
            {
                var events = Observe(streams, timing, cts.Token);
                if (plan.Stream)
                    await ResponsesWriter.StreamAsync(http.Response, rp, responses, model.Entry.Id, header.Created, promptTokens, events, ToolReader(toolParser, plan.Tools), cts.Token);
                else
                    await ResponsesWriter.CollectAsync(http.Response, rp, responses, model.Entry.Id, header.Created, promptTokens, events, ToolReader(toolParser, plan.Tools), cts.Token);
            }
            else if (plan.Stream)
                await StreamAsync(http.Response, plan, header, Observe(streams, timing, cts.Token), streams.Length, promptTokens, toolParser, cts.Token);
            else
                await CollectAsync(http.Response, plan, header, Observe(streams, timing, cts.Token), streams.Length, promptTokens, toolParser, cts.Token);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            logger.LogDebug("Client disconnected; generation stopped.");
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            logger.LogDebug("Client disconnected while writing.");
        }
        finally
        {
            await cts.CancelAsync();
        }
    }

    private static ResponsesWriter.Tools? ToolReader(IToolCallParser? parser, ToolPlan? plan) =>
        parser is null || plan is null ? null : new ResponsesWriter.Tools(parser, plan);

    /// <summary>The model's defaults fill what the request left out: sampling values, and a system prompt for a chat that has none.</summary>
    private static GenerateRequest WithModelDefaults(GenerateRequest request, GenerationPlan plan, MicroAI.ModelRegistry.ModelSettings settings, int choice)
    {
        var messages = request.Messages;
        if (messages is not null && !string.IsNullOrEmpty(settings.SystemPrompt) && !messages.Any(m => m.Role is "system" or "developer"))
            messages = [new ChatTurn("system", settings.SystemPrompt), .. messages];
        return request with { Sampling = plan.Sampling.Resolve(settings, choice), Messages = messages };
    }

    private static async Task CollectAsync(HttpResponse response, GenerationPlan plan, ResponseHeader header,
        IAsyncEnumerable<(int Index, GenerationEvent Event)> events, int choiceCount, int promptTokens, IToolCallParser? toolParser, CancellationToken ct)
    {
        var texts = new StringBuilder[choiceCount];
        var finish = new string[choiceCount];
        var wantLogprobs = plan.Choices.Count > 0 && plan.Choices[0].Logprobs is not null;
        var logprobs = wantLogprobs ? Enumerable.Range(0, choiceCount).Select(_ => new List<TokenLogprob>()).ToArray() : null;
        for (var i = 0; i < texts.Length; i++)
            texts[i] = new StringBuilder(plan.Echo?[i] ?? string.Empty);
        var completionTokens = 0;
        var cachedTokens = 0;

        await foreach (var (index, e) in events)
        {
            switch (e.Kind)
            {
                case GenerationEventKind.Text:
                    texts[index].Append(e.Text);
                    if (e.Logprobs is { } lp)
                        logprobs?[index].AddRange(lp);
                    break;
                case GenerationEventKind.Finished:
                    finish[index] = FinishReasonText(e.FinishReason);
                    completionTokens += e.Usage.CompletionTokens;
                    if (index % plan.ChoicesPerPrompt == 0)
                        cachedTokens += e.Usage.CachedPromptTokens;
                    break;
                case GenerationEventKind.Failed:
                    await e.Error!.ToApiError().WriteResponseAsync(response);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        var choices = new ChoiceResult[choiceCount];
        for (var i = 0; i < choices.Length; i++)
        {
            choices[i] = new ChoiceResult(i, texts[i].ToString(), finish[i] ?? "stop", logprobs?[i], plan.Echo?[i].Length ?? 0);
            if (toolParser is not null && plan.Tools is { } tools)
            {
                var parsed = toolParser.Parse(choices[i].Text, tools.Names);
                if (parsed.HasToolCalls)
                    choices[i] = choices[i] with { Text = parsed.Content ?? string.Empty, FinishReason = "tool_calls", ToolCalls = tools.Parallel ? parsed.ToolCalls : [parsed.ToolCalls[0]] };
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(response.BodyWriter))
            CompletionJson.WriteResponse(w, header, choices, new UsageFigures(promptTokens, completionTokens, cachedTokens));
        await response.BodyWriter.FlushAsync(ct);
    }

    private static async Task StreamAsync(HttpResponse response, GenerationPlan plan, ResponseHeader header,
        IAsyncEnumerable<(int Index, GenerationEvent Event)> events, int choiceCount, int promptTokens, IToolCallParser? toolParser, CancellationToken ct)
    {
        SseWriter.PrepareResponse(response);
        using var sse = new SseWriter(response.BodyWriter);
        var usageNull = plan.IncludeUsage;

        // Opening chunk per choice: the role (chat) or the echoed prompt (completions with echo).
        for (var i = 0; i < choiceCount; i++)
        {
            if (plan.Chat)
                CompletionJson.WriteChunk(sse.BeginData(), header, i, "assistant", string.Empty, null, usageNull);
            else if (plan.Echo is { } echo)
                CompletionJson.WriteChunk(sse.BeginData(), header, i, null, echo[i], null, usageNull);
            else
                continue;
            await sse.EndDataAsync(ct);
        }

        var completionTokens = 0;
        var cachedTokens = 0;
        var wantLogprobs = plan.Choices.Count > 0 && plan.Choices[0].Logprobs is not null;
        var filters = toolParser is null || plan.Tools is null ? null
            : Enumerable.Range(0, choiceCount).Select(_ => new ToolCallStreamFilter(toolParser, plan.Tools.Names)).ToArray();
        var offsets = new int[choiceCount];
        for (var i = 0; i < choiceCount; i++)
            offsets[i] = plan.Echo?[i].Length ?? 0;
        await foreach (var (index, e) in events)
        {
            switch (e.Kind)
            {
                case GenerationEventKind.Text when filters is not null:
                    // Tool markup is held back; only text certain to be content goes out now.
                    var safe = filters[index].Push(e.Text!);
                    if (safe.Length > 0)
                    {
                        CompletionJson.WriteChunk(sse.BeginData(), header, index, null, safe, null, usageNull);
                        await sse.EndDataAsync(ct);
                    }
                    break;
                case GenerationEventKind.Text:
                    CompletionJson.WriteChunk(sse.BeginData(), header, index, null, e.Text, null, usageNull,
                        wantLogprobs ? e.Logprobs ?? [] : null, offsets[index]);
                    offsets[index] += e.Text!.Length;
                    await sse.EndDataAsync(ct);
                    break;
                case GenerationEventKind.Finished:
                    completionTokens += e.Usage.CompletionTokens;
                    if (index % plan.ChoicesPerPrompt == 0)
                        cachedTokens += e.Usage.CachedPromptTokens;
                    var reason = FinishReasonText(e.FinishReason);
                    if (filters is not null)
                    {
                        var parsed = filters[index].Complete();
                        if (parsed.Content is { Length: > 0 } rest)
                        {
                            CompletionJson.WriteChunk(sse.BeginData(), header, index, null, rest, null, usageNull);
                            await sse.EndDataAsync(ct);
                        }
                        if (parsed.HasToolCalls)
                        {
                            var calls = plan.Tools!.Parallel ? parsed.ToolCalls : [parsed.ToolCalls[0]];
                            CompletionJson.WriteChunk(sse.BeginData(), header, index, null, null, null, usageNull, toolCalls: calls);
                            await sse.EndDataAsync(ct);
                            reason = "tool_calls";
                        }
                    }
                    CompletionJson.WriteChunk(sse.BeginData(), header, index, null, plan.Chat ? null : string.Empty, reason, usageNull);
                    await sse.EndDataAsync(ct);
                    break;
                case GenerationEventKind.Failed:
                    await sse.WriteErrorAsync(e.Error!.ToApiError(), ct);
                    return;
            }
        }
        ct.ThrowIfCancellationRequested();

        if (plan.IncludeUsage)
        {
            CompletionJson.WriteUsageChunk(sse.BeginData(), header, new UsageFigures(promptTokens, completionTokens, cachedTokens));
            await sse.EndDataAsync(ct);
        }
        await sse.WriteDoneAsync(ct);
    }

    /// <summary>The merged events, timed on the way through (TTFT, inter-token latency, token counts).</summary>
    private static async IAsyncEnumerable<(int Index, GenerationEvent Event)> Observe(GenerationStream[] streams, Timing timing, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in Merge(streams, ct))
        {
            timing.Record(item.Index, item.Event);
            yield return item;
        }
    }

    /// <summary>Per-response timing state; one instance per request, used by one reader.</summary>
    private sealed class Timing(TimeProvider time, Observability.MicroAIMetrics metrics, long started, int choices, string model, int choicesPerPrompt, Security.TokenUsage? usage)
    {
        private readonly long[] _last = new long[choices];
        private readonly KeyValuePair<string, object?> _model = new("model", model);
        private bool _first = true;

        public void Record(int index, GenerationEvent e)
        {
            if (e.Kind == GenerationEventKind.Text)
            {
                var now = time.GetTimestamp();
                if (_first)
                {
                    _first = false;
                    metrics.TimeToFirstToken.Record(time.GetElapsedTime(started, now).TotalSeconds, _model);
                }
                if (_last[index] != 0)
                    metrics.InterTokenLatency.Record(time.GetElapsedTime(_last[index], now).TotalSeconds, _model);
                _last[index] = now;
            }
            else if (e.Kind == GenerationEventKind.Finished)
            {
                metrics.GeneratedTokens.Add(e.Usage.CompletionTokens, _model);
                usage?.Add(e.Usage.CompletionTokens);
                if (index % choicesPerPrompt == 0)
                {
                    metrics.PromptTokens.Add(e.Usage.PromptTokens, _model);
                    metrics.CachedPromptTokens.Add(e.Usage.CachedPromptTokens, _model);
                }
            }
        }
    }

    /// <summary>Events of all choices tagged with their index, in arrival order.</summary>
    private static async IAsyncEnumerable<(int Index, GenerationEvent Event)> Merge(GenerationStream[] streams, [EnumeratorCancellation] CancellationToken ct)
    {
        if (streams.Length == 1)
        {
            await foreach (var e in streams[0].ReadAllAsync(ct))
                yield return (0, e);
            yield break;
        }

        var merged = Channel.CreateUnbounded<(int, GenerationEvent)>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = new Task[streams.Length];
        for (var i = 0; i < streams.Length; i++)
        {
            var index = i;
            pumps[i] = Task.Run(async () =>
            {
                await foreach (var e in streams[index].ReadAllAsync(ct))
                    merged.Writer.TryWrite((index, e));
            }, ct);
        }
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.IsFaulted && !ct.IsCancellationRequested ? t.Exception : null), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(ct))
            yield return item;
    }

    private static string FinishReasonText(FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";

    private static string NewId(bool chat) => (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
}

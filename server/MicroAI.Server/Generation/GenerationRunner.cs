using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Runtime.Scheduling;
using MicroAI.Server.Upstreams;
using MicroAI.Server.Upstreams.Routing;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Generation;

/// <summary>
/// Runs a <see cref="GenerationPlan"/> for any protocol: leases the model, fills in its defaults,
/// submits one request per choice, reads tool calls back, merges the choices' streams into neutral
/// events for the protocol's <see cref="IGenerationWriter"/>, and counts tokens into the metrics and
/// the caller's token budget once. Whatever happens (error, disconnect), every submitted sequence is
/// cancelled on the way out, so no slot outlives its HTTP request.
/// </summary>
internal sealed partial class GenerationRunner(IModelHost host, TimeProvider time, Observability.MicroAIMetrics metrics,
    Microsoft.Extensions.Options.IOptions<MicroAI.Runtime.EngineOptions> engine, ModelRouter router, UpstreamForwarder forwarder, LocalWaitEstimate waits,
    ILogger<GenerationRunner> logger)
{
    private readonly TimeSpan? _timeLimit = engine.Value.RequestTimeoutSeconds > 0 ? TimeSpan.FromSeconds(engine.Value.RequestTimeoutSeconds) : null;

    /// <summary>
    /// Runs the plan where its model's routing decides (<see cref="ModelRouter"/>): here, at its
    /// upstream, or at one then the other: an upstream-first request falls back here when the
    /// upstream fails before answering; a local-first one overflows there when the local queue is full.
    /// </summary>
    public async Task RunAsync(HttpContext http, GenerationPlan plan, IGenerationWriter writer)
    {
        var decision = router.Route(plan.Model, Security.Caller.Of(http), out var refusal);
        if (refusal is not null)
        {
            Decided(plan, decision);
            await writer.WriteFailureAsync(http.Response, RunFailure.Of(refusal));
            return;
        }
        if (decision.First == RouteSide.Upstream)
        {
            var failure = await forwarder.TryRunAsync(http, plan, decision, writer);
            if (failure is not null && decision.Then == RouteSide.Local && failure.UpstreamFault && !http.RequestAborted.IsCancellationRequested)
            {
                decision = decision with { Decision = "fallback" };
            }
            else
            {
                Decided(plan, decision);
                if (failure is not null)
                    await writer.WriteFailureAsync(http.Response, RunFailure.Of(failure.Error));
                return;
            }
        }
        await RunLocalAsync(http, plan, writer, decision);
    }

    private async Task RunLocalAsync(HttpContext http, GenerationPlan plan, IGenerationWriter writer, RouteDecision decision)
    {
        var started = time.GetTimestamp();
        var aborted = http.RequestAborted;
        var lookup = await host.GetTextModelAsync(plan.Model, plan.KeepAlive, aborted);
        var loaded = time.GetTimestamp();
        if (lookup.Model is not { } model)
        {
            Decided(plan, decision);
            await writer.WriteFailureAsync(http.Response, RunFailure.Of(lookup));
            return;
        }

        RunFailure? overflowed = null;
        using (var lease = lookup.Lease) // the model stays loaded while this request uses it
        {
            var overflow = decision.Then == RouteSide.Upstream;
            var stats = model.Scheduler.Stats;
            if (overflow && WaitsTooLong(model, decision, stats) is { } waiting)
            {
                overflowed = RunFailure.Of(new GenerationError(GenerationErrorCode.QueueFull, waiting));
            }
            else
            {
                var slotFree = stats.ActiveSequences + stats.QueuedRequests < stats.Slots;
                overflowed = await RunOnModelAsync(http, plan, writer, model, started, loaded, slotFree, overflow);
                if (overflowed is null)
                {
                    Decided(plan, decision);
                    return;
                }
            }
        }

        // The local queue is full (or too long): the upstream takes the request, or the client hears why not.
        if (await forwarder.TryRunAsync(http, plan, decision with { Decision = "overflow" }, writer) is null)
        {
            Decided(plan, decision with { Decision = "overflow" });
            return;
        }
        Decided(plan, decision);
        await writer.WriteFailureAsync(http.Response, overflowed);
    }

    /// <summary>The overflow's reason when the estimated wait for a local slot is past the model's limit.</summary>
    private string? WaitsTooLong(LoadedTextModel model, RouteDecision decision, SchedulerStats stats)
    {
        if (decision.Upstream?.Alias?.OverflowWaitSeconds is not { } limit)
            return null;
        var wait = waits.Estimate(model.Entry.Id, stats);
        return wait.TotalSeconds > limit
            ? $"Model '{model.Entry.Id}' would wait about {wait.TotalSeconds:0.#} s for a slot (more than {limit:0.#} s)."
            : null;
    }

    /// <summary>
    /// Submits every choice and writes the answer. Returns the refusal instead of writing it when
    /// the queue is full and <paramref name="mayOverflow"/> (nothing has been written then).
    /// </summary>
    private async Task<RunFailure?> RunOnModelAsync(HttpContext http, GenerationPlan plan, IGenerationWriter writer, LoadedTextModel model,
        long started, long loaded, bool slotFree, bool mayOverflow)
    {
        var aborted = http.RequestAborted;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        RunAccounting? accounting = null;
        var completed = false;
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
                    if (mayOverflow && error.Code == GenerationErrorCode.QueueFull)
                        return RunFailure.Of(error);
                    await writer.WriteFailureAsync(http.Response, RunFailure.Of(error));
                    return null;
                }
                streams[i] = submitted.Stream!;
            }

            var promptTokens = 0;
            for (var i = 0; i < streams.Length; i += plan.ChoicesPerPrompt)
                promptTokens += streams[i].PromptTokens;
            var usage = new RunUsage(promptTokens) { Timings = new RunTimings(time, started, loaded) };
            accounting = new RunAccounting(time, metrics, started, streams, model.Entry.Id, plan.ChoicesPerPrompt, usage, http.Features.Get<Security.TokenUsage>());

            // Tools: the model's output is read back in the format its chat template taught it.
            var tools = plan.Tools is not { } toolPlan ? null
                : new ToolCallReader(toolPlan, toolPlan.ForcedGrammar is not null
                    ? ToolCallFormats.Create(ToolCallFormat.Generic) // the grammar wrote bare JSON
                    : ToolCallFormats.ForTemplate(plan.Choices[0].ChatTemplate ?? model.Info.ChatTemplate), streams.Length, writer.Streams);
            var logprobs = plan.Choices.Count > 0 && plan.Choices[0].Logprobs is not null;
            var events = Events(streams, accounting, tools, logprobs, cts.Token);
            var run = new GenerationRun(model.Entry.Id, time.GetUtcNow().ToUnixTimeSeconds(), streams.Length, plan.ChoicesPerPrompt, logprobs, events, usage);
            http.Response.Headers[ServedBy.Header] = ServedBy.Local;
            await writer.WriteAsync(http.Response, run, cts.Token);
            completed = !aborted.IsCancellationRequested;
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
            accounting?.Close();
            if (completed && slotFree)
                waits.Record(model.Entry.Id, time.GetElapsedTime(loaded)); // it never queued: this is how long it held a slot
        }
        return null;
    }

    /// <summary>Counts where a routed model's request ran (models no upstream offers are not routed and not counted).</summary>
    private void Decided(GenerationPlan plan, RouteDecision decision)
    {
        if (!decision.Routed)
            return;
        metrics.RouteDecisions.Add(1, new KeyValuePair<string, object?>("model", plan.Model), new KeyValuePair<string, object?>("policy", decision.Policy),
            new KeyValuePair<string, object?>("decision", decision.Decision));
    }

    /// <summary>The model's defaults fill what the request left out: sampling values, and a system prompt for a chat that has none.</summary>
    internal static GenerateRequest WithModelDefaults(GenerateRequest request, GenerationPlan plan, MicroAI.ModelRegistry.ModelSettings settings, int choice)
    {
        var messages = request.Messages;
        if (messages is not null && !string.IsNullOrEmpty(settings.SystemPrompt) && !messages.Any(m => m.Role is "system" or "developer"))
            messages = [new ChatTurn("system", settings.SystemPrompt), .. messages];
        return request with { Sampling = plan.Sampling.Resolve(settings, choice), Messages = messages };
    }

    /// <summary>The merged engine events as neutral run events: counted on the way through, tool calls read back.</summary>
    private static async IAsyncEnumerable<RunEvent> Events(GenerationStream[] streams, RunAccounting accounting, ToolCallReader? tools, bool logprobs,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (index, e) in Merge(streams, ct))
        {
            accounting.Record(index, e);
            switch (e.Kind)
            {
                case GenerationEventKind.Text when tools is not null:
                    if (tools.Push(index, e) is { Length: > 0 } safe)
                        yield return new RunEvent(index, RunEventKind.Text, safe);
                    break;
                case GenerationEventKind.Text:
                    yield return new RunEvent(index, RunEventKind.Text, e.Text, logprobs ? e.Logprobs ?? [] : null);
                    break;
                case GenerationEventKind.Finished:
                    if (tools is not null)
                    {
                        var (content, contentLogprobs, calls) = tools.Complete(index, cut: e.FinishReason == FinishReason.Length);
                        if (content is not null)
                            yield return new RunEvent(index, RunEventKind.Text, content, contentLogprobs);
                        if (calls is not null)
                            yield return new RunEvent(index, RunEventKind.ToolCalls, ToolCalls: calls);
                    }
                    yield return new RunEvent(index, RunEventKind.Finished, FinishReason: e.FinishReason, Usage: e.Usage, StopSequence: e.StopSequence);
                    break;
                case GenerationEventKind.Failed:
                    yield return new RunEvent(index, RunEventKind.Failed, Failure: RunFailure.Of(e.Error!));
                    break;
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
}

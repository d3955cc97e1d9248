using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Models;
using MicroAI.Backends.Scheduling;
using MicroAI.Backends.ToolCalling;

namespace MicroAI.Server.Generation;

/// <summary>
/// Runs a <see cref="GenerationPlan"/> for any protocol: leases the model, fills in its defaults,
/// submits one request per choice, reads tool calls back, merges the choices' streams into neutral
/// events for the protocol's <see cref="IGenerationWriter"/>, and counts tokens into the metrics and
/// the caller's token budget once. Whatever happens (error, disconnect), every submitted sequence is
/// cancelled on the way out, so no slot outlives its HTTP request.
/// </summary>
internal sealed class GenerationRunner(IModelHost host, TimeProvider time, Observability.MicroAIMetrics metrics,
    Microsoft.Extensions.Options.IOptions<MicroAI.Backends.EngineOptions> engine, ILogger<GenerationRunner> logger)
{
    private readonly TimeSpan? _timeLimit = engine.Value.RequestTimeoutSeconds > 0 ? TimeSpan.FromSeconds(engine.Value.RequestTimeoutSeconds) : null;

    public async Task RunAsync(HttpContext http, GenerationPlan plan, IGenerationWriter writer)
    {
        var started = time.GetTimestamp();
        var aborted = http.RequestAborted;
        var lookup = await host.GetTextModelAsync(plan.Model, plan.KeepAlive, aborted);
        if (lookup.Model is not { } model)
        {
            await writer.WriteFailureAsync(http.Response, RunFailure.Of(lookup));
            return;
        }
        using var lease = lookup.Lease; // the model stays loaded while this request uses it

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        Accounting? accounting = null;
        try
        {
            var streams = new GenerationStream[plan.Choices.Count];
            var settings = model.Entry.Settings;
            for (var i = 0; i < streams.Length; i++)
            {
                var request = WithModelDefaults(plan.Choices[i], plan, settings, i % plan.ChoicesPerPrompt) with { TimeLimit = _timeLimit };
                var submitted = model.Scheduler.Submit(request, cts.Token);
                if (submitted.Error is { } error)
                {
                    await cts.CancelAsync();
                    await writer.WriteFailureAsync(http.Response, RunFailure.Of(error));
                    return;
                }
                streams[i] = submitted.Stream!;
            }

            var promptTokens = 0;
            for (var i = 0; i < streams.Length; i += plan.ChoicesPerPrompt)
                promptTokens += streams[i].PromptTokens;
            var usage = new RunUsage(promptTokens);
            accounting = new Accounting(time, metrics, started, streams.Length, model.Entry.Id, plan.ChoicesPerPrompt, usage, http.Features.Get<Security.TokenUsage>());

            // Tools: the model's output is read back in the format its chat template taught it.
            var tools = plan.Tools is not { } toolPlan ? null
                : new ToolReader(toolPlan, toolPlan.ForcedGrammar is not null
                    ? ToolCallFormats.Create(ToolCallFormat.Generic) // the grammar wrote bare JSON
                    : ToolCallFormats.ForTemplate(plan.Choices[0].ChatTemplate ?? model.Info.ChatTemplate), streams.Length, writer.Streams);
            var logprobs = plan.Choices.Count > 0 && plan.Choices[0].Logprobs is not null;
            var events = Events(streams, accounting, tools, logprobs, cts.Token);
            var run = new GenerationRun(model.Entry.Id, time.GetUtcNow().ToUnixTimeSeconds(), streams.Length, plan.ChoicesPerPrompt, logprobs, events, usage);
            await writer.WriteAsync(http.Response, run, cts.Token);
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
        }
    }

    /// <summary>The model's defaults fill what the request left out: sampling values, and a system prompt for a chat that has none.</summary>
    private static GenerateRequest WithModelDefaults(GenerateRequest request, GenerationPlan plan, MicroAI.ModelRegistry.ModelSettings settings, int choice)
    {
        var messages = request.Messages;
        if (messages is not null && !string.IsNullOrEmpty(settings.SystemPrompt) && !messages.Any(m => m.Role is "system" or "developer"))
            messages = [new ChatTurn("system", settings.SystemPrompt), .. messages];
        return request with { Sampling = plan.Sampling.Resolve(settings, choice), Messages = messages };
    }

    /// <summary>The merged engine events as neutral run events: counted on the way through, tool calls read back.</summary>
    private static async IAsyncEnumerable<RunEvent> Events(GenerationStream[] streams, Accounting accounting, ToolReader? tools, bool logprobs,
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
                        var (content, contentLogprobs, calls) = tools.Complete(index);
                        if (content is not null)
                            yield return new RunEvent(index, RunEventKind.Text, content, contentLogprobs);
                        if (calls is not null)
                            yield return new RunEvent(index, RunEventKind.ToolCalls, ToolCalls: calls);
                    }
                    yield return new RunEvent(index, RunEventKind.Finished, FinishReason: e.FinishReason, Usage: e.Usage);
                    break;
                case GenerationEventKind.Failed:
                    yield return new RunEvent(index, RunEventKind.Failed, Failure: RunFailure.Of(e.Error!));
                    break;
            }
        }
    }

    /// <summary>
    /// Reads each choice's tool calls out of its text. Streaming, a filter holds back what may be call
    /// markup and lets the rest through as it comes; collecting, the whole text is parsed at the end
    /// (and keeps its logprobs, which a held-back stream cannot line up with its pieces).
    /// </summary>
    private sealed class ToolReader(ToolPlan plan, IToolCallParser parser, int choices, bool streaming)
    {
        private readonly ToolCallStreamFilter[]? _filters = streaming
            ? Enumerable.Range(0, choices).Select(_ => new ToolCallStreamFilter(parser, plan.Names)).ToArray() : null;
        private readonly StringBuilder[]? _texts = streaming ? null : Enumerable.Range(0, choices).Select(_ => new StringBuilder()).ToArray();
        private readonly List<TokenLogprob>[] _logprobs = Enumerable.Range(0, choices).Select(_ => new List<TokenLogprob>()).ToArray();

        /// <summary>The text certain to be content, to send now (collecting: nothing until the end).</summary>
        public string Push(int index, GenerationEvent e)
        {
            if (_filters is not null)
                return _filters[index].Push(e.Text!);
            _texts![index].Append(e.Text);
            if (e.Logprobs is { } lp)
                _logprobs[index].AddRange(lp);
            return string.Empty;
        }

        /// <summary>The rest of the content (null when there is none to send) and the calls made (null when none).</summary>
        public (string? Content, IReadOnlyList<TokenLogprob>? Logprobs, IReadOnlyList<ToolCall>? Calls) Complete(int index)
        {
            if (_filters is not null)
            {
                // Complete() parses only what was held back; its content is the rest of the message text.
                var held = _filters[index].Complete();
                return (held.Content is { Length: > 0 } rest ? rest : null, null, held.HasToolCalls ? Chosen(held.ToolCalls) : null);
            }
            var text = _texts![index].ToString();
            var parsed = parser.Parse(text, plan.Names);
            return parsed.HasToolCalls
                ? (parsed.Content ?? string.Empty, _logprobs[index], Chosen(parsed.ToolCalls))
                : (text, _logprobs[index], null);
        }

        private IReadOnlyList<ToolCall> Chosen(IReadOnlyList<ToolCall> calls) => plan.Parallel ? calls : [calls[0]];
    }

    /// <summary>
    /// Metrics and the token budget, fed once per run: timing as text arrives, token counts as each
    /// choice finishes, and on the way out the pieces of choices that never finished (a client that
    /// went away mid-stream still cost those tokens; each piece is at least one token).
    /// One instance per run, used by one reader.
    /// </summary>
    private sealed class Accounting
    {
        private readonly TimeProvider _time;
        private readonly Observability.MicroAIMetrics _metrics;
        private readonly long _started;
        private readonly long[] _last;
        private readonly int[] _pieces;
        private readonly bool[] _done;
        private readonly int _choicesPerPrompt;
        private readonly RunUsage _usage;
        private readonly Security.TokenUsage? _budget;
        private readonly KeyValuePair<string, object?> _model;
        private bool _first = true;

        public Accounting(TimeProvider time, Observability.MicroAIMetrics metrics, long started, int choices, string model, int choicesPerPrompt,
            RunUsage usage, Security.TokenUsage? budget)
        {
            (_time, _metrics, _started, _choicesPerPrompt, _usage, _budget) = (time, metrics, started, choicesPerPrompt, usage, budget);
            _last = new long[choices];
            _pieces = new int[choices];
            _done = new bool[choices];
            _model = new("model", model);
            budget?.Add(usage.PromptTokens);
        }

        public void Record(int index, GenerationEvent e)
        {
            switch (e.Kind)
            {
                case GenerationEventKind.Text:
                    var now = _time.GetTimestamp();
                    if (_first)
                    {
                        _first = false;
                        _metrics.TimeToFirstToken.Record(_time.GetElapsedTime(_started, now).TotalSeconds, _model);
                    }
                    if (_last[index] != 0)
                        _metrics.InterTokenLatency.Record(_time.GetElapsedTime(_last[index], now).TotalSeconds, _model);
                    _last[index] = now;
                    _pieces[index]++;
                    break;
                case GenerationEventKind.Finished:
                    _done[index] = true;
                    _metrics.GeneratedTokens.Add(e.Usage.CompletionTokens, _model);
                    Generated(e.Usage.CompletionTokens);
                    if (index % _choicesPerPrompt == 0)
                    {
                        _usage.CachedTokens += e.Usage.CachedPromptTokens;
                        _metrics.PromptTokens.Add(e.Usage.PromptTokens, _model);
                        _metrics.CachedPromptTokens.Add(e.Usage.CachedPromptTokens, _model);
                    }
                    break;
                case GenerationEventKind.Failed:
                    _done[index] = true;
                    CutShort(_pieces[index]);
                    break;
            }
        }

        /// <summary>Counts what choices cut short (cancelled, disconnected) generated before they stopped.</summary>
        public void Close()
        {
            for (var i = 0; i < _done.Length; i++)
            {
                if (!_done[i])
                {
                    _done[i] = true;
                    CutShort(_pieces[i]);
                }
            }
        }

        private void Generated(int tokens)
        {
            _usage.CompletionTokens += tokens;
            _budget?.Add(tokens);
        }

        private void CutShort(int pieces)
        {
            if (pieces == 0)
                return;
            _metrics.GeneratedTokens.Add(pieces, _model);
            _budget?.Add(pieces);
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

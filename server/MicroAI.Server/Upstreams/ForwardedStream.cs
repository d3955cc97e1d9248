using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;
using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// Reads an upstream's OpenAI stream (chat or legacy completion chunks as SSE) into the neutral
/// <see cref="RunEvent"/>s every protocol's writer takes: text as it arrives, tool-call deltas
/// assembled into calls, and each choice's end once the usage chunk that follows the finish reasons
/// has been read (it comes straight after them, so holding the ends back costs no latency and lets
/// the writers report the upstream's token counts). A stream that breaks, falls silent for longer
/// than the idle timeout, or carries an error event ends its unfinished choices with Failed.
/// One instance per forwarded request, read once.
/// </summary>
internal sealed class ForwardedStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private readonly CancellationTokenSource _idle;
    private readonly TimeSpan _idleTimeout;
    private readonly int _choices;
    private SseItem<string>? _pending;

    private ForwardedStream(HttpResponseMessage response, Stream body, int choices, TimeSpan idleTimeout, CancellationToken ct)
    {
        (_response, _body, _choices, _idleTimeout) = (response, body, choices, idleTimeout);
        _idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _items = SseParser.Create(body).EnumerateAsync(_idle.Token).GetAsyncEnumerator(_idle.Token);
        Finishes = new string?[choices];
        Calls = new List<CallBuilder>?[choices];
    }

    /// <summary>Finish reasons as the upstream gave them, per choice (null until it finished).</summary>
    private string?[] Finishes { get; }
    private List<CallBuilder>?[] Calls { get; }

    public int PromptTokens { get; private set; }
    public int CompletionTokens { get; private set; }
    public int CachedTokens { get; private set; }
    /// <summary>True once the upstream said [DONE] or every choice finished: the answer is whole.</summary>
    public bool Complete { get; private set; }
    /// <summary>Set when the stream ended badly: what the client's stream ends with.</summary>
    public ApiError? Failure { get; private set; }
    /// <summary>True when the failure is the upstream's or the network's (counts against its breaker), not an error it reported.</summary>
    public bool TransportFailure { get; private set; }

    /// <summary>
    /// Opens the stream and waits for its first event, so that a failure before any token (and only
    /// then) can still be retried or fall back. Null with <paramref name="failure"/> set when nothing came.
    /// </summary>
    public static async Task<(ForwardedStream? Stream, ApiError? Failure)> OpenAsync(HttpResponseMessage response, int choices, TimeSpan idleTimeout, CancellationToken firstEvent, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStreamAsync(firstEvent);
        var stream = new ForwardedStream(response, body, choices, idleTimeout, ct);
        using var registration = firstEvent.Register(static s => ((CancellationTokenSource)s!).Cancel(), stream._idle);
        try
        {
            do
            {
                if (!await stream._items.MoveNextAsync())
                {
                    await stream.DisposeAsync();
                    return (null, UpstreamErrors.Dropped("before its first event"));
                }
            }
            while (!SaysSomething(stream._items.Current.Data));
            stream._pending = stream._items.Current;
            return (stream, null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            return (null, ex is OperationCanceledException ? UpstreamErrors.FirstTokenTimeout() : UpstreamErrors.Dropped("before its first event"));
        }
    }

    /// <summary>
    /// False for an event that says nothing yet: a chat stream's opening chunk with only the role and
    /// empty content. MicroAI sends it as soon as a request is queued, before a slot is free, so it
    /// proves the upstream alive but not answering: the first-token deadline, the safe retry and the
    /// fallback all wait past it (each writer opens its own stream, so dropping it loses nothing).
    /// </summary>
    private static bool SaysSomething(string data)
    {
        if (data == "[DONE]")
            return true;
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _)
                || root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                return true; // an error, the usage, or a shape the reader judges
            foreach (var c in choices.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object || String(c, "finish_reason") is not null || String(c, "text") is { Length: > 0 }
                    || c.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object)
                    return true;
                if (c.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                    && (String(delta, "content") is { Length: > 0 } || delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array))
                    return true;
            }
            return false;
        }
        catch (JsonException)
        {
            return true; // the reader reports it as malformed
        }
    }

    /// <summary>The answer as run events; <paramref name="timings"/> sees each piece of text arrive.</summary>
    public async IAsyncEnumerable<RunEvent> ReadAsync(RunTimings? timings, TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        var done = false;
        while (!done)
        {
            SseItem<string> item;
            if (_pending is { } first)
            {
                item = first;
                _pending = null;
            }
            else
            {
                var next = await NextAsync(ct);
                if (next is null)
                    break;
                item = next.Value;
            }
            if (item.Data == "[DONE]")
            {
                Complete = true;
                break;
            }
            var texts = Parse(item.Data, out var parseError);
            if (parseError is not null)
            {
                Failure = parseError;
                break;
            }
            foreach (var (choice, text, logprobs) in texts)
            {
                timings?.Output(time.GetTimestamp());
                yield return new RunEvent(choice, RunEventKind.Text, text, logprobs);
            }
            done = Failure is not null;
        }
        if (Failure is null && !Complete && Finishes.All(f => f is not null))
            Complete = true; // a server that ends the stream without [DONE] after every choice finished
        if (Failure is null && !Complete)
        {
            ct.ThrowIfCancellationRequested();
            (Failure, TransportFailure) = (UpstreamErrors.Dropped("mid-stream"), true);
        }

        var remaining = CompletionTokens;
        for (var i = 0; i < _choices; i++)
        {
            if (Finishes[i] is null && Failure is not null)
            {
                yield return new RunEvent(i, RunEventKind.Failed, Failure: RunFailure.Of(Failure));
                continue;
            }
            var calls = Calls[i] is { Count: > 0 } builders ? builders.Select(b => b.Build()).ToList() : null;
            var reason = Finishes[i] == "length" ? FinishReason.Length : FinishReason.Stop;
            if (calls is not null && reason != FinishReason.Length)
                yield return new RunEvent(i, RunEventKind.ToolCalls, ToolCalls: calls);
            // The upstream counts tokens per request; the last choice carries what the others did not.
            var tokens = i == _choices - 1 ? remaining : 0;
            remaining -= tokens;
            yield return new RunEvent(i, RunEventKind.Finished, FinishReason: reason, Usage: new GenerationUsage(i == 0 ? PromptTokens : 0, tokens, i == 0 ? CachedTokens : 0));
        }
    }

    private async Task<SseItem<string>?> NextAsync(CancellationToken ct)
    {
        _idle.CancelAfter(_idleTimeout);
        try
        {
            return await _items.MoveNextAsync() ? _items.Current : null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            (Failure, TransportFailure) = (UpstreamErrors.IdleTimeout(_idleTimeout), true);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            (Failure, TransportFailure) = (UpstreamErrors.Dropped("mid-stream"), true);
            return null;
        }
    }

    /// <summary>One chunk: its text pieces; finish reasons, tool-call deltas and usage are kept.</summary>
    private List<(int Choice, string Text, IReadOnlyList<TokenLogprob>? Logprobs)> Parse(string data, out ApiError? error)
    {
        error = null;
        var texts = new List<(int, string, IReadOnlyList<TokenLogprob>?)>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            error = UpstreamErrors.Malformed();
            return texts;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = UpstreamErrors.Malformed();
                return texts;
            }
            if (root.TryGetProperty("error", out var failure))
            {
                error = UpstreamErrors.FromBody(failure, 502, mid: true);
                return texts;
            }
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                PromptTokens = Int(usage, "prompt_tokens");
                CompletionTokens = Int(usage, "completion_tokens");
                if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
                    CachedTokens = Int(details, "cached_tokens");
            }
            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                return texts;
            foreach (var c in choices.EnumerateArray())
            {
                var index = c.TryGetProperty("index", out var ix) && ix.TryGetInt32(out var i) ? i : 0;
                if (index < 0 || index >= _choices)
                    continue;
                string? text = null;
                if (c.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
                {
                    text = String(delta, "content");
                    if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                        AddCalls(index, calls);
                }
                else
                {
                    text = String(c, "text");
                }
                var logprobs = c.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object ? Logprobs(lp) : null;
                if (!string.IsNullOrEmpty(text) || logprobs is { Count: > 0 })
                    texts.Add((index, text ?? string.Empty, logprobs));
                if (String(c, "finish_reason") is { } reason)
                    Finishes[index] = reason;
            }
        }
        return texts;
    }

    private void AddCalls(int choice, JsonElement deltas)
    {
        var list = Calls[choice] ??= [];
        foreach (var d in deltas.EnumerateArray())
        {
            var at = d.TryGetProperty("index", out var ix) && ix.TryGetInt32(out var i) ? i : list.Count;
            if (at < 0 || at > 128)
                continue;
            while (list.Count <= at)
                list.Add(new CallBuilder());
            var call = list[at];
            call.Id ??= String(d, "id");
            if (d.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object)
            {
                call.Name ??= String(f, "name");
                call.Arguments.Append(String(f, "arguments"));
            }
        }
    }

    /// <summary>Chat's <c>logprobs.content</c>, or the legacy completion arrays (tokens, token_logprobs, top_logprobs).</summary>
    private static List<TokenLogprob>? Logprobs(JsonElement lp)
    {
        var result = new List<TokenLogprob>();
        if (lp.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in content.EnumerateArray())
            {
                var top = new List<TopLogprob>();
                if (t.TryGetProperty("top_logprobs", out var alts) && alts.ValueKind == JsonValueKind.Array)
                    foreach (var a in alts.EnumerateArray())
                        top.Add(new TopLogprob(String(a, "token") ?? "", Bytes(a), Float(a, "logprob")));
                result.Add(new TokenLogprob(String(t, "token") ?? "", Bytes(t), Float(t, "logprob"), top));
            }
            return result;
        }
        if (lp.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
        {
            var values = lp.TryGetProperty("token_logprobs", out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : [];
            var tops = lp.TryGetProperty("top_logprobs", out var tl) && tl.ValueKind == JsonValueKind.Array ? tl.EnumerateArray().ToList() : [];
            var k = 0;
            foreach (var t in tokens.EnumerateArray())
            {
                var token = t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                var top = new List<TopLogprob>();
                if (k < tops.Count && tops[k].ValueKind == JsonValueKind.Object)
                    foreach (var p in tops[k].EnumerateObject())
                        top.Add(new TopLogprob(p.Name, Encoding.UTF8.GetBytes(p.Name), p.Value.TryGetSingle(out var f) ? f : float.NegativeInfinity));
                result.Add(new TokenLogprob(token, Encoding.UTF8.GetBytes(token), k < values.Count && values[k].TryGetSingle(out var x) ? x : float.NegativeInfinity, top));
                k++;
            }
        }
        return result;
    }

    private static byte[] Bytes(JsonElement e)
    {
        if (e.TryGetProperty("bytes", out var b) && b.ValueKind == JsonValueKind.Array)
            return b.EnumerateArray().Select(x => x.TryGetByte(out var v) ? v : (byte)0).ToArray();
        return Encoding.UTF8.GetBytes(String(e, "token") ?? "");
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) && i >= 0 ? i : 0;

    private static float Float(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetSingle(out var f) ? f : float.NegativeInfinity;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Disposing a broken or cancelled stream: nothing more to read either way.
        }
        _idle.Dispose();
        await _body.DisposeAsync(); // aborts the upstream request if it is still streaming (the client left)
        _response.Dispose();
    }

    private sealed class CallBuilder
    {
        public string? Id;
        public string? Name;
        public readonly StringBuilder Arguments = new();

        public ToolCall Build() => new(Id ?? "call_" + Guid.NewGuid().ToString("N")[..24], Name ?? "", Arguments.Length == 0 ? "{}" : Arguments.ToString());
    }
}
